//! A directed graph of named nodes: reachability, shortest paths and ordering.

use std::collections::HashMap;
/*@u:E0433:graph_vecdeque*/use std::collections::VecDeque;

/// A directed, weighted graph.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    pub names: Vec<String>,
    pub index: HashMap<String, usize>,
    pub edges: Vec<Vec<(usize, u32)>>,
}

/// An edge as written in a route file.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    pub from: String,
    pub to: String,
    pub cost: u32,
}

/// The result of a search.
#[derive(Clone, /*@d:visit_dbg*/Debug)]
pub enum Visit {
    Found(usize),
    Unreachable,
}

impl Graph {
    pub fn new() -> Graph {
        Graph::default()
    }

    /// The index of a node, adding the node if it is new.
    pub fn node(&mut self, name: &str) -> usize {
        if let Some(found) = self.index.get(name) {
            return *found;
        }
        let position = self.names.len();
        self.names.push(name.to_string());
        self.index.insert(name.to_string(), position);
        self.edges.push(Vec::new());
        position
    }

    pub fn connect(&mut self, from: &str, to: &str, cost: u32) {
        let start = self.node(from);
        let end = self.node(to);
        self.edges[start].push((end, cost));
    }

    pub fn node_count(&self) -> usize {
        self.names.len()
    }

    pub fn edge_count(&self) -> usize {
        self.edges.iter().map(|targets| targets.len()).sum()
    }

    pub fn neighbours(&self, name: &str) -> Vec<String> {
        let start = match self.index.get(name) {
            Some(start) => *start,
            None => return Vec::new(),
        };
        let mut names: Vec<String> = self.edges[start]
            .iter()
            .map(|(end, _)| self.names[*end].clone())
            .collect();
        names.sort();
        names
    }

    /// Number of edges from `from` to `to` on a path with the fewest edges.
    pub fn hops(&self, from: &str, to: &str) -> Visit {
        let (start, goal) = match (self.index.get(from), self.index.get(to)) {
            (Some(start), Some(goal)) => (*start, *goal),
            _ => return Visit::Unreachable,
        };
        let mut seen = vec![false; self.names.len()];
        let mut queue = /*@t:graph_vecdeque*/VecDeque::new();
        queue.push_back((start, 0));
        seen[start] = true;
        while let Some((current, distance)) = queue.pop_front() {
            if current == goal {
                return Visit::Found(distance);
            }
            for (next, _) in &self.edges[current] {
                if !seen[*next] {
                    seen[*next] = true;
                    queue.push_back((*next, distance + 1));
                }
            }
        }
        Visit::Unreachable
    }

    /// Cheapest total cost from `from` to every reachable node (Dijkstra, simple version).
    pub fn costs_from(&self, from: &str) -> HashMap<String, u32> {
        let mut result = HashMap::new();
        let start = match self.index.get(from) {
            Some(start) => *start,
            None => return result,
        };
        let mut best: Vec<Option<u32>> = vec![None; self.names.len()];
        let mut done = vec![false; self.names.len()];
        best[start] = Some(0);
        loop {
            let mut current = None;
            for (position, cost) in best.iter().enumerate() {
                if let Some(cost) = cost {
                    if !done[position] && current.map_or(true, |(_, lowest)| *cost < lowest) {
                        current = Some((position, *cost));
                    }
                }
            }
            let (position, cost) = match current {
                Some(found) => found,
                None => break,
            };
            done[position] = true;
            for (next, weight) in &self.edges[position] {
                let candidate = cost + weight;
                if best[*next].map_or(true, |known| candidate < known) {
                    best[*next] = Some(candidate);
                }
            }
        }
        for (position, cost) in best.iter().enumerate() {
            if let Some(cost) = cost {
                result.insert(self.names[position].clone(), *cost);
            }
        }
        result
    }

    /// Nodes in an order where every edge points forward, if there is no cycle.
    pub fn topological_order(&self) -> Option<Vec<String>> {
        let mut incoming = vec![0usize; self.names.len()];
        for targets in &self.edges {
            for (end, _) in targets {
                incoming[*end] += 1;
            }
        }
        let mut ready: Vec<usize> = (0..self.names.len())
            .filter(|node| incoming[*node] == 0)
            .collect();
        ready.reverse();
        let /*@m:E0596*/mut order = Vec::new();
        while let Some(node) = ready.pop() {
            order.push(self.names[node].clone());
            for (end, _) in &self.edges[node] {
                incoming[*end] -= 1;
                if incoming[*end] == 0 {
                    ready.push(*end);
                }
            }
        }
        if order.len() == self.names.len() {
            Some(order)
        } else {
            None
        }
    }

    pub fn has_cycle(&self) -> bool {
        self.topological_order().is_none()
    }
}

impl Visit {
    pub fn describe(&self) -> String {
        /*@t:visit_dbg*/format!("{:?}", self)
    }
}

impl Route {
    pub fn parse(line: &str) -> Option<Route> {
        let parts: Vec<&str> = line.split_whitespace().collect();
        if parts.len() != 3 {
            return None;
        }
        Some(Route {
            from: parts[0].to_string(),
            to: parts[1].to_string(),
            cost: parts[2].parse().ok()?,
        })
    }
}

/// Builds a graph from routes.
pub fn from_routes(routes: &[Route]) -> Graph {
    let /*@m:E0596*/mut graph = Graph::new();
    for route in routes {
        graph.connect(&route.from, &route.to, route.cost);
    }
    graph
}

/// The route with the lower cost.
/*@lt*/pub fn cheaper_route<'a>(first: &'a Route, second: &'a Route) -> &'a Route {
    if second.cost < first.cost {
        second
    } else {
        first
    }
}

/// Parses routes and reports how many lines were skipped.
pub fn parse_routes(lines: Vec<String>) -> (Vec<Route>, usize) {
    let kept = lines/*@c*/.clone();
    let routes: Vec<Route> = kept.iter().filter_map(|line| Route::parse(line)).collect();
    let skipped = lines.len() - routes.len();
    (routes, skipped)
}

/// Sum of the costs of all routes.
pub fn total_cost(routes: &[Route]) -> u32 {
    let /*@m:E0384*/mut sum = 0;
    for route in routes {
        sum = sum + route.cost;
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::{cheaper_route, from_routes, parse_routes, total_cost, Graph, Route};

    fn sample() -> Graph {
        let lines = vec![
            "a b 4".to_string(),
            "a c 1".to_string(),
            "c b 2".to_string(),
            "b d 5".to_string(),
            "broken".to_string(),
        ];
        let (routes, skipped) = parse_routes(lines);
        assert_eq!(skipped, 1);
        from_routes(/*@r*/&routes)
    }

    #[test]
    fn builds_nodes_and_edges() {
        let graph = sample();
        assert_eq!(graph.node_count(), 4);
        assert_eq!(graph.edge_count(), 4);
        assert_eq!(graph.neighbours("a"), vec!["b", "c"]);
        assert!(graph.neighbours("zz").is_empty());
    }

    #[test]
    fn searches() {
        let graph = sample();
        assert_eq!(graph.hops("a", "d").describe(), "Found(2)");
        assert_eq!(graph.hops("d", "a").describe(), "Unreachable");
        let costs = graph.costs_from("a");
        assert_eq!(costs.get("b"), Some(&3));
        assert_eq!(costs.get("d"), Some(&8));
    }

    #[test]
    fn orders_and_cycles() {
        let mut graph = sample();
        assert_eq!(
            graph.topological_order(),
            Some(vec![
                "a".to_string(),
                "c".to_string(),
                "b".to_string(),
                "d".to_string()
            ])
        );
        graph.connect("d", "a", 1);
        assert!(graph.has_cycle());
    }

    #[test]
    fn routes() {
        let cheap = Route::parse("x y 1").unwrap();
        let dear = Route::parse("x z 9").unwrap();
        assert_eq!(cheaper_route(&dear, &cheap).to, "y");
        assert_eq!(total_cost(&[cheap, dear]), 10);
        assert_eq!(Route::parse("x y nine"), None);
    }
}

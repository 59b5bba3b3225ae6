//! Customer orders: line items, status changes, totals and simple queries.

use std::collections::HashMap;
/*@u:E0425:orders_hashset*/use std::collections::HashSet;

use crate::money::Money;

/// One line of an order.
#[derive(Debug, Clone, PartialEq)]
pub struct LineItem {
    pub sku: String,
    pub quantity: u32,
    pub unit_price: Money,
}

/// Where an order is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    Open,
    Paid,
    Shipped,
    Cancelled,
}

/// Priority of handling, only shown to staff.
#[derive(Clone, Copy, /*@d:priority_dbg*/Debug, /*@d:priority_eq*/PartialEq)]
pub enum Priority {
    Low,
    Normal,
    Rush,
}

/// An order placed by a customer.
#[derive(Debug, Clone)]
pub struct Order {
    pub id: u32,
    pub customer: String,
    pub lines: Vec<LineItem>,
    pub status: Status,
    pub note: String,
}

impl LineItem {
    pub fn new(sku: &str, quantity: u32, unit_cents: i64) -> LineItem {
        LineItem {
            sku: sku.to_string(),
            quantity,
            unit_price: Money::from_cents(unit_cents),
        }
    }

    pub fn subtotal(&self) -> Money {
        self.unit_price.times(self.quantity)
    }
}

impl Priority {
    pub fn label(self) -> String {
        /*@t:priority_dbg*/format!("{:?}", self).to_lowercase()
    }

    pub fn for_total(total: Money) -> Priority {
        if total.cents > 100_000 {
            Priority::Rush
        } else if total.cents > 1_000 {
            Priority::Normal
        } else {
            Priority::Low
        }
    }
}

impl Order {
    pub fn new(id: u32, customer: &str) -> Order {
        Order {
            id,
            customer: customer.to_string(),
            lines: Vec::new(),
            status: Status::Open,
            note: "".to_string(),
        }
    }

    pub fn add_line(&mut self, line: LineItem) {
        match self
            .lines
            .iter_mut()
            .find(|existing| existing.sku == line.sku)
        {
            Some(existing) => existing.quantity += line.quantity,
            None => self.lines.push(line),
        }
    }

    pub fn total(&self) -> Money {
        let subtotals: Vec<Money> = self.lines.iter().map(|line| line.subtotal()).collect();
        crate::money::total(/*@r*/&subtotals)
    }

    pub fn item_count(&self) -> u32 {
        self.lines.iter().map(|line| line.quantity).sum()
    }

    pub fn pay(&mut self) -> bool {
        if self.status != Status::Open || self.lines.is_empty() {
            return false;
        }
        self.status = Status::Paid;
        true
    }

    pub fn ship(&mut self) -> bool {
        if self.status == Status::Paid {
            self.status = Status::Shipped;
            true
        } else {
            false
        }
    }

    pub fn cancel(&mut self, reason: &str) -> bool {
        if self.status == Status::Shipped {
            return false;
        }
        self.status = Status::Cancelled;
        self.note = format!("cancelled: {}", reason);
        true
    }

    pub fn is_rush(&self) -> bool {
        /*@t:priority_eq*/Priority::for_total(self.total()) == Priority::Rush
    }

    pub fn skus(&self) -> Vec<String> {
        self.lines.iter().map(|line| line.sku.clone()).collect()
    }
}

/// Orders per status.
pub fn count_by_status(orders: &[Order]) -> HashMap<Status, usize> {
    let /*@m:E0596*/mut counts = HashMap::new();
    for order in orders {
        *counts.entry(order.status).or_insert(0) += 1;
    }
    counts
}

/// Number of different customers.
pub fn distinct_customers(orders: &[Order]) -> usize {
    let names: /*@t:orders_hashset*/HashSet<&str> = orders.iter().map(|order| order.customer.as_str()).collect();
    names.len()
}

/// Revenue of paid and shipped orders.
pub fn revenue(orders: &[Order]) -> Money {
    let /*@m:E0384*/mut sum = Money::zero();
    for order in orders {
        if matches!(order.status, Status::Paid | Status::Shipped) {
            sum = sum.plus(order.total());
        }
    }
    sum
}

/// The biggest order of one customer.
pub fn largest_for<'a>(orders: &'a [Order], customer: &str) -> Option<&'a Order> {
    orders
        .iter()
        .filter(|order| order.customer == customer)
        .max_by_key(|order| order.total())
}

/// How many pieces of each SKU were ordered, over all orders that were not cancelled.
pub fn demand(orders: &[Order]) -> Vec<(String, u32)> {
    let mut totals: HashMap<String, u32> = HashMap::new();
    for order in orders
        .iter()
        .filter(|order| order.status != Status::Cancelled)
    {
        for line in &order.lines {
            *totals.entry(line.sku.clone()).or_insert(0) += line.quantity;
        }
    }
    let mut result: Vec<(String, u32)> = totals.into_iter().collect();
    result.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    result
}

/// Merges the lines of `extra` into a copy of `order`.
pub fn merged(order: &Order, extra: Vec<LineItem>) -> (Order, usize) {
    let mut copy = order.clone();
    let lines = extra/*@c*/.clone();
    for line in lines {
        copy.add_line(line);
    }
    (copy, extra.len())
}

/// A one-line description for the shop window.
pub fn describe(order: &Order) -> String {
    let priority = Priority::for_total(order.total());
    format!(
        "#{} for {}: {} items, {} ({})",
        order.id,
        order.customer,
        order.item_count(),
        order.total(),
        priority.label()
    )
}

#[cfg(test)]
mod tests {
    use super::{
        count_by_status, demand, describe, distinct_customers, largest_for, merged, revenue,
        LineItem, Order, Priority, Status,
    };

    fn order(id: u32, customer: &str, lines: &[(&str, u32, i64)]) -> Order {
        let mut order = Order::new(id, customer);
        for (sku, quantity, cents) in lines {
            order.add_line(LineItem::new(sku, *quantity, *cents));
        }
        order
    }

    #[test]
    fn totals_and_merging_lines() {
        let mut first = order(1, "ann", &[("a", 2, 150), ("b", 1, 1000)]);
        first.add_line(LineItem::new("a", 1, 150));
        assert_eq!(first.lines.len(), 2);
        assert_eq!(first.item_count(), 4);
        assert_eq!(first.total().cents, 1450);
        let (merged, added) = merged(&first, vec![LineItem::new("c", 5, 10)]);
        assert_eq!(added, 1);
        assert_eq!(merged.total().cents, 1500);
        assert_eq!(merged.skus(), vec!["a", "b", "c"]);
    }

    #[test]
    fn status_changes() {
        let mut empty = Order::new(2, "bob");
        assert!(!empty.pay());
        let mut paid = order(3, "bob", &[("a", 1, 100)]);
        assert!(paid.pay());
        assert!(paid.ship());
        assert!(!paid.cancel("late"));
        assert!(empty.cancel("empty"));
        assert_eq!(empty.note, "cancelled: empty");
    }

    #[test]
    fn queries_over_orders() {
        let mut one = order(1, "ann", &[("a", 2, 100)]);
        let mut two = order(2, "bob", &[("a", 1, 100), ("b", 3, 50)]);
        let three = order(3, "ann", &[("c", 9, 1000)]);
        one.pay();
        two.pay();
        two.ship();
        let orders = vec![one, two, three];
        assert_eq!(revenue(/*@r*/&orders).cents, 450);
        assert_eq!(distinct_customers(&orders), 2);
        assert_eq!(count_by_status(&orders).get(&Status::Paid), Some(&1));
        assert_eq!(largest_for(&orders, "ann").map(|order| order.id), Some(3));
        assert_eq!(demand(&orders)[0], ("c".to_string(), 9));
        assert_eq!(demand(&orders)[1], ("a".to_string(), 3));
    }

    #[test]
    fn descriptions_show_priority() {
        let big = order(7, "cy", &[("gold", 1, 200_000)]);
        assert!(big.is_rush());
        assert_eq!(describe(/*@r*/&big), "#7 for cy: 1 items, 2000.00 (rush)");
        assert_eq!(Priority::Low.label(), "low");
    }
}

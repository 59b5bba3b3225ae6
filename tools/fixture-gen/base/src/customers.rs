//! Customers, loyalty tiers and an address book with lookups.

use std::collections::HashMap;

use crate::money::Money;
/*@u:E0433:customers_text*/use crate::text::Slugger;

/// Loyalty tier, from spending over the last year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tier {
    Bronze,
    Silver,
    Gold,
}

/// Contact channel preferred by a customer.
#[derive(Clone, Copy, /*@d:channel_dbg*/Debug, /*@d:channel_eq*/PartialEq)]
pub enum Channel {
    Email,
    Phone,
    Post,
}

/// A customer record.
#[derive(Debug, Clone)]
pub struct Customer {
    pub id: u32,
    pub name: String,
    pub email: String,
    pub city: String,
    pub spent: Money,
    pub tags: Vec<String>,
}

/// All customers, with an index by e-mail address.
#[derive(Debug, Default)]
pub struct CustomerBook {
    pub customers: Vec<Customer>,
    pub by_email: HashMap<String, usize>,
    pub next_id: u32,
}

impl Tier {
    pub fn for_spending(spent: Money) -> Tier {
        if spent.cents >= 100_000 {
            Tier::Gold
        } else if spent.cents >= 20_000 {
            Tier::Silver
        } else {
            Tier::Bronze
        }
    }

    pub fn discount_percent(self) -> u32 {
        match self {
            Tier::Bronze => 0,
            Tier::Silver => 5,
            Tier::Gold => 10,
        }
    }
}

impl Channel {
    pub fn describe(self) -> String {
        let text = /*@t:channel_dbg*/format!("prefers {:?}", self);
        text.to_lowercase()
    }

    pub fn is_digital(self) -> bool {
        /*@t:channel_eq*/self == Channel::Email
    }
}

impl Customer {
    pub fn new(id: u32, name: &str, email: &str, city: &str) -> Customer {
        Customer {
            id,
            name: name.to_string(),
            email: email.to_lowercase(),
            city: city.to_string(),
            spent: Money::zero(),
            tags: Vec::new(),
        }
    }

    pub fn tier(&self) -> Tier {
        Tier::for_spending(self.spent)
    }

    pub fn record_purchase(&mut self, amount: Money) {
        self.spent = self.spent.plus(amount);
    }

    pub fn add_tag(&mut self, tag: &str) {
        let tag = tag.trim().to_lowercase();
        if !tag.is_empty() && !self.tags.contains(&tag) {
            self.tags.push(tag);
        }
    }

    pub fn has_tag(&self, tag: &str) -> bool {
        self.tags.iter().any(|existing| existing == tag)
    }

    pub fn first_name(&self) -> &str {
        self.name.split_whitespace().next().unwrap_or("")
    }

    pub fn domain(&self) -> Option<&str> {
        self.email.split_once('@').map(|(_, domain)| domain)
    }

    pub fn handle(&self) -> String {
        /*@t:customers_text*/Slugger::new('_').slug(&self.name)
    }
}

impl CustomerBook {
    pub fn new() -> CustomerBook {
        CustomerBook {
            customers: Vec::new(),
            by_email: HashMap::new(),
            next_id: 1,
        }
    }

    /// Adds a customer unless the e-mail address is taken; returns the new id.
    pub fn register(&mut self, name: &str, email: &str, city: &str) -> Option<u32> {
        let key = email.to_lowercase();
        if self.by_email.contains_key(&key) {
            return None;
        }
        let id = self.next_id;
        self.next_id += 1;
        self.customers.push(Customer::new(id, name, &key, city));
        self.by_email.insert(key, self.customers.len() - 1);
        Some(id)
    }

    pub fn by_email(&self, email: &str) -> Option<&Customer> {
        let index = self.by_email.get(&email.to_lowercase())?;
        self.customers.get(*index)
    }

    pub fn get_mut(&mut self, id: u32) -> Option<&mut Customer> {
        self.customers.iter_mut().find(|customer| customer.id == id)
    }

    pub fn in_city(&self, city: &str) -> Vec<&Customer> {
        self.customers
            .iter()
            .filter(|customer| customer.city.eq_ignore_ascii_case(city))
            .collect()
    }

    /// Names per tier, each list sorted.
    pub fn names_by_tier(&self) -> Vec<(Tier, Vec<String>)> {
        let mut groups: HashMap<Tier, Vec<String>> = HashMap::new();
        for customer in &self.customers {
            groups
                .entry(customer.tier())
                .or_default()
                .push(customer.name.clone());
        }
        let /*@m:E0596*/mut result: Vec<(Tier, Vec<String>)> = groups.into_iter().collect();
        for (_, names) in result.iter_mut() {
            names.sort();
        }
        result.sort_by_key(|(tier, _)| *tier);
        result
    }

    pub fn top_spenders(&self, count: usize) -> Vec<String> {
        let mut sorted: Vec<&Customer> = self.customers.iter().collect();
        sorted.sort_by(|a, b| b.spent.cmp(&a.spent).then_with(|| a.name.cmp(&b.name)));
        sorted
            .into_iter()
            .take(count)
            .map(|customer| customer.name.clone())
            .collect()
    }

    pub fn total_spent(&self) -> Money {
        let amounts: Vec<Money> = self
            .customers
            .iter()
            .map(|customer| customer.spent)
            .collect();
        crate::money::total(/*@r*/&amounts)
    }
}

/// The customer who spent more, by reference.
/*@lt*/pub fn bigger_spender<'a>(first: &'a Customer, second: &'a Customer) -> &'a Customer {
    if second.spent > first.spent {
        second
    } else {
        first
    }
}

/// Counts customers per e-mail domain.
pub fn domains(customers: &[Customer]) -> Vec<(String, usize)> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for customer in customers {
        if let Some(domain) = customer.domain() {
            *counts.entry(domain.to_string()).or_insert(0) += 1;
        }
    }
    let /*@m:E0596*/mut sorted: Vec<(String, usize)> = counts.into_iter().collect();
    sorted.sort();
    sorted
}

/// Keeps the tags that every given customer has.
pub fn common_tags(customers: Vec<Customer>) -> (Vec<String>, usize) {
    let all = customers/*@c*/.clone();
    let mut common: Vec<String> = match all.first() {
        Some(first) => first.tags.clone(),
        None => Vec::new(),
    };
    common.retain(|tag| all.iter().all(|customer| customer.has_tag(tag)));
    (common, customers.len())
}

#[cfg(test)]
mod tests {
    use super::{
        bigger_spender, common_tags, domains, Channel, Customer, CustomerBook, Money, Tier,
    };

    fn book() -> CustomerBook {
        let mut book = CustomerBook::new();
        book.register("Ann Lee", "Ann@Example.com", "Oslo");
        book.register("Bob Stone", "bob@mail.org", "Bergen");
        book.register("Cy Young", "cy@example.com", "oslo");
        book
    }

    #[test]
    fn registers_and_finds() {
        let mut book = book();
        assert_eq!(book.register("Ann Again", "ann@example.com", "Oslo"), None);
        assert_eq!(book.by_email("ANN@example.com").map(|c| c.id), Some(1));
        assert_eq!(book.in_city("OSLO").len(), 2);
        assert_eq!(
            domains(&book.customers),
            vec![("example.com".to_string(), 2), ("mail.org".to_string(), 1)]
        );
        assert_eq!(book.customers[0].first_name(), "Ann");
        assert_eq!(book.customers[1].handle(), "bob_stone");
    }

    #[test]
    fn tiers_follow_spending() {
        let mut book = book();
        book.get_mut(2).unwrap().record_purchase(Money::new(250, 0));
        book.get_mut(3)
            .unwrap()
            .record_purchase(Money::new(1500, 0));
        let tiers = book.names_by_tier();
        assert_eq!(tiers.len(), 3);
        assert_eq!(tiers[0].1, vec!["Ann Lee"]);
        assert_eq!(tiers[2].0, Tier::Gold);
        assert_eq!(book.top_spenders(2), vec!["Cy Young", "Bob Stone"]);
        assert_eq!(book.total_spent().cents, 175_000);
        assert_eq!(Tier::Silver.discount_percent(), 5);
        let winner = bigger_spender(&book.customers[0], &book.customers[1]);
        assert_eq!(winner.id, 2);
    }

    #[test]
    fn tags_are_normalised_and_intersected() {
        let mut ann = Customer::new(1, "Ann", "a@x.org", "Oslo");
        let mut bob = Customer::new(2, "Bob", "b@x.org", "Oslo");
        ann.add_tag(" VIP ");
        ann.add_tag("vip");
        ann.add_tag("early");
        bob.add_tag("vip");
        assert_eq!(ann.tags, vec!["vip", "early"]);
        let (common, count) = common_tags(vec![ann, bob]);
        assert_eq!(common, vec!["vip"]);
        assert_eq!(count, 2);
    }

    #[test]
    fn channels_describe_themselves() {
        assert_eq!(Channel::Phone.describe(), "prefers phone");
        assert!(Channel::Email.is_digital());
        assert!(!Channel::Post.is_digital());
    }
}

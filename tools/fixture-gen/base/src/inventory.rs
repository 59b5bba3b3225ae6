//! Stock keeping: items by SKU, restocking, reservations and low-stock reports.

/*@u:E0433:inventory_btree*/use std::collections::BTreeMap;
use std::collections::HashMap;

use crate::money::Money;

/// One kind of article on the shelf.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub sku: String,
    pub title: String,
    pub price: Money,
    pub quantity: u32,
    pub category: String,
}

/// Where an item is stored.
#[derive(Clone, Copy, /*@d:shelf_eq*/PartialEq, Debug)]
pub enum Shelf {
    Front,
    Back,
    Cellar,
}

/// All items, keyed by SKU.
#[derive(Debug, Default)]
pub struct Inventory {
    pub items: HashMap<String, Item>,
    pub reserved: HashMap<String, u32>,
}

impl Item {
    pub fn new(sku: &str, title: &str, price: Money, quantity: u32) -> Item {
        Item {
            sku: sku.to_string(),
            title: title.to_string(),
            price,
            quantity,
            category: "general".to_string(),
        }
    }

    pub fn with_category(mut self, category: &str) -> Item {
        self.category = category.to_string();
        self
    }

    pub fn stock_value(&self) -> Money {
        self.price.times(self.quantity)
    }

    pub fn is_out_of_stock(&self) -> bool {
        self.quantity == 0
    }

    pub fn shelf(&self) -> Shelf {
        if self.quantity > 100 {
            Shelf::Cellar
        } else if self.quantity > 20 {
            Shelf::Back
        } else {
            Shelf::Front
        }
    }

    pub fn is_up_front(&self) -> bool {
        /*@t:shelf_eq*/self.shelf() == Shelf::Front
    }
}

impl Inventory {
    pub fn new() -> Inventory {
        Inventory::default()
    }

    pub fn add(&mut self, item: Item) {
        match self.items.get_mut(&item.sku) {
            Some(existing) => existing.quantity += item.quantity,
            None => {
                self.items.insert(item.sku.clone(), item);
            }
        }
    }

    pub fn quantity_of(&self, sku: &str) -> u32 {
        self.items.get(sku).map(|item| item.quantity).unwrap_or(0)
    }

    pub fn available(&self, sku: &str) -> u32 {
        let reserved = self.reserved.get(sku).copied().unwrap_or(0);
        self.quantity_of(sku).saturating_sub(reserved)
    }

    /// Reserves `count` pieces if that many are available.
    pub fn reserve(&mut self, sku: &str, count: u32) -> bool {
        if self.available(sku) < count {
            return false;
        }
        *self.reserved.entry(sku.to_string()).or_insert(0) += count;
        true
    }

    /// Takes reserved pieces out of stock.
    pub fn ship_reserved(&mut self, sku: &str) -> u32 {
        let count = self.reserved.remove(sku).unwrap_or(0);
        if let Some(item) = self.items.get_mut(sku) {
            item.quantity -= count.min(item.quantity);
        }
        count
    }

    pub fn restock(&mut self, sku: &str, count: u32) -> Option<u32> {
        let item = self.items.get_mut(sku)?;
        item.quantity += count;
        Some(item.quantity)
    }

    pub fn total_value(&self) -> Money {
        let values: Vec<Money> = self.items.values().map(|item| item.stock_value()).collect();
        crate::money::total(/*@r*/&values)
    }

    /// SKUs with fewer than `threshold` pieces, sorted.
    pub fn low_stock(&self, threshold: u32) -> Vec<String> {
        let /*@m:E0596*/mut skus: Vec<String> = self
            .items
            .values()
            .filter(|item| item.quantity < threshold)
            .map(|item| item.sku.clone())
            .collect();
        skus.sort();
        skus
    }

    /// Number of items per category, in category order.
    pub fn count_by_category(&self) -> Vec<(String, usize)> {
        let mut counts = /*@t:inventory_btree*/BTreeMap::new();
        for item in self.items.values() {
            *counts.entry(item.category.clone()).or_insert(0) += 1;
        }
        counts.into_iter().collect()
    }

    pub fn titles(&self) -> Vec<String> {
        let mut titles: Vec<String> = self.items.values().map(|item| item.title.clone()).collect();
        titles.sort();
        titles
    }

    pub fn most_valuable(&self) -> Option<&Item> {
        self.items.values().max_by_key(|item| item.stock_value())
    }
}

/// Finds the item with a SKU in a slice.
/*@lt*/pub fn find_by_sku<'a>(items: &'a [Item], sku: &'a str) -> Option<&'a Item> {
    items.iter().find(|item| item.sku == sku)
}

/// Builds an inventory from `sku,title,cents,quantity` lines, skipping bad lines.
pub fn from_lines(text: &str) -> Inventory {
    let mut inventory = Inventory::new();
    for line in text.lines() {
        let fields: Vec<&str> = line.split(',').map(|field| field.trim()).collect();
        if fields.len() != 4 {
            continue;
        }
        let cents: i64 = match fields[2].parse() {
            Ok(value) => value,
            Err(_) => continue,
        };
        let quantity: u32 = match fields[3].parse() {
            Ok(value) => value,
            Err(_) => continue,
        };
        inventory.add(Item::new(
            fields[0],
            fields[1],
            Money::from_cents(cents),
            quantity,
        ));
    }
    inventory
}

/// A copy of the items, cheapest first.
pub fn by_price(items: Vec<Item>) -> (Vec<Item>, usize) {
    let mut sorted = items/*@c*/.clone();
    sorted.sort_by_key(|item| item.price);
    (sorted, items.len())
}

#[cfg(test)]
mod tests {
    use super::{by_price, find_by_sku, from_lines, Inventory, Item, Money};

    fn sample() -> Inventory {
        from_lines("a1, Apples, 50, 30\nb2, Bread, 250, 4\nbad line\nc3, Cheese, 900, 0\n")
    }

    #[test]
    fn parses_lines_and_values_stock() {
        let inventory = sample();
        assert_eq!(inventory.items.len(), 3);
        assert_eq!(inventory.quantity_of("a1"), 30);
        assert_eq!(inventory.total_value().cents, 50 * 30 + 250 * 4);
        assert_eq!(inventory.low_stock(5), vec!["b2", "c3"]);
        assert_eq!(inventory.titles(), vec!["Apples", "Bread", "Cheese"]);
    }

    #[test]
    fn reserves_and_ships() {
        let mut inventory = sample();
        assert!(inventory.reserve("b2", 3));
        assert!(!inventory.reserve("b2", 2));
        assert_eq!(inventory.available("b2"), 1);
        assert_eq!(inventory.ship_reserved("b2"), 3);
        assert_eq!(inventory.quantity_of("b2"), 1);
        assert_eq!(inventory.restock("c3", 7), Some(7));
        assert_eq!(inventory.restock("zz", 7), None);
    }

    #[test]
    fn groups_and_sorts() {
        let mut inventory = sample();
        inventory.add(Item::new("d4", "Dates", Money::from_cents(10), 1).with_category("dried"));
        let counts = inventory.count_by_category();
        assert_eq!(
            counts,
            vec![("dried".to_string(), 1), ("general".to_string(), 3)]
        );
        let best = inventory.most_valuable().map(|item| item.sku.clone());
        assert_eq!(best, Some("a1".to_string()));
        let items: Vec<Item> = inventory.items.values().cloned().collect();
        let (sorted, count) = by_price(items);
        assert_eq!(count, 4);
        assert_eq!(sorted[0].sku, "d4");
        assert_eq!(
            find_by_sku(&sorted, "c3").map(|item| item.quantity),
            Some(0)
        );
    }

    #[test]
    fn shelves_depend_on_quantity() {
        let item = Item::new("x", "X", Money::from_cents(1), 150);
        assert!(!item.is_up_front());
        assert!(Item::new("y", "Y", Money::from_cents(1), 2).is_up_front());
        assert!(Item::new("z", "Z", Money::from_cents(1), 0).is_out_of_stock());
    }
}

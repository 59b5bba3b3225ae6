//! Shopkeeper: the back office of a small shop (stock, orders, customers, staff and
//! reports). This crate is the clean base of the cargo-fix-swarm scale fixtures.

pub mod config;
pub mod customers;
pub mod events;
pub mod expr;
pub mod geometry;
pub mod grades;
pub mod graph;
pub mod inventory;
pub mod matrix;
pub mod money;
pub mod orders;
pub mod schedule;
pub mod stats;
pub mod text;

pub use money::Money;

/// One line per module, as shown on the admin page.
pub fn overview() -> Vec<String> {
    let mut inventory = inventory::Inventory::new();
    inventory.add(inventory::Item::new(
        "tea",
        "Green tea",
        Money::from_cents(450),
        12,
    ));
    let mut order = orders::Order::new(1, "ann");
    order.add_line(orders::LineItem::new("tea", 2, 450));
    vec![
        format!("stock value {}", inventory.total_value()),
        orders::describe(/*@r*/&order),
        text::title_case("shopkeeper back office"),
    ]
}

#[cfg(test)]
mod tests {
    use super::overview;

    #[test]
    fn overview_lists_modules() {
        let lines = overview();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0], "stock value 54.00");
        assert_eq!(lines[1], "#1 for ann: 2 items, 9.00 (low)");
        assert_eq!(lines[2], "Shopkeeper Back Office");
    }
}

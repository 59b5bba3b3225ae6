//! Amounts of money in integer cents, with formatting, parsing and simple arithmetic.

/*@u:E0433:money_ordering*/use std::cmp::Ordering;
use std::fmt;

/// An amount of money in cents; negative amounts are refunds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money {
    pub cents: i64,
}

/// The currencies a price can be shown in.
#[derive(Clone, Copy, /*@d:currency_dbg*/Debug)]
pub enum Currency {
    Eur,
    Usd,
    Gbp,
}

impl Currency {
    pub fn symbol(self) -> &'static str {
        match self {
            Currency::Eur => "€",
            Currency::Usd => "$",
            Currency::Gbp => "£",
        }
    }

    pub fn code(self) -> String {
        let name = /*@t:currency_dbg*/format!("{:?}", self);
        name.to_uppercase()
    }
}

impl Money {
    pub fn new(units: i64, cents: i64) -> Money {
        Money {
            cents: units * 100 + cents,
        }
    }

    pub fn from_cents(cents: i64) -> Money {
        Money { cents }
    }

    pub fn zero() -> Money {
        Money::default()
    }

    pub fn units(&self) -> i64 {
        self.cents / 100
    }

    pub fn remainder(&self) -> i64 {
        (self.cents % 100).abs()
    }

    pub fn is_negative(&self) -> bool {
        self.cents < 0
    }

    pub fn plus(self, other: Money) -> Money {
        Money::from_cents(self.cents + other.cents)
    }

    pub fn minus(self, other: Money) -> Money {
        Money::from_cents(self.cents - other.cents)
    }

    pub fn times(self, quantity: u32) -> Money {
        Money::from_cents(self.cents * quantity as i64)
    }

    pub fn percent(self, percentage: u32) -> Money {
        Money::from_cents(self.cents * percentage as i64 / 100)
    }

    /// Splits the amount into `parts` shares that differ by at most one cent.
    pub fn split(self, parts: u32) -> Vec<Money> {
        let count = parts.max(1) as i64;
        let base = self.cents / count;
        let rest = self.cents % count;
        let /*@m:E0596*/mut shares = Vec::new();
        for index in 0..count {
            let extra = if index < rest { 1 } else { 0 };
            shares.push(Money::from_cents(base + extra));
        }
        shares
    }

    pub fn format(&self, currency: Currency) -> String {
        let sign = if self.is_negative() { "-" } else { "" };
        format!(
            "{}{}{}.{:02}",
            sign,
            currency.symbol(),
            self.units().abs(),
            self.remainder()
        )
    }

    pub fn is_more_than(&self, other: &Money) -> bool {
        self.cents.cmp(&other.cents) == /*@t:money_ordering*/Ordering::Greater
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.is_negative() { "-" } else { "" };
        write!(f, "{}{}.{:02}", sign, self.units().abs(), self.remainder())
    }
}

/// Adds up a list of amounts.
pub fn total(amounts: &[Money]) -> Money {
    let /*@m:E0384*/mut sum = Money::zero();
    for amount in amounts {
        sum = sum.plus(*amount);
    }
    sum
}

/// The largest amount, if any.
pub fn largest(amounts: &[Money]) -> Option<Money> {
    amounts.iter().copied().max()
}

/// Parses "12.34", "-0.50" or "7" into money.
pub fn parse(text: &str) -> Option<Money> {
    let trimmed = text.trim();
    let negative = trimmed.starts_with('-');
    let digits = trimmed.trim_start_matches('-');
    let (units_text, cents_text) = match digits.split_once('.') {
        Some((units, cents)) => (units, cents),
        None => (digits, "0"),
    };
    let units: i64 = units_text.parse().ok()?;
    let mut cents: i64 = cents_text.parse().ok()?;
    if cents_text.len() == 1 {
        cents *= 10;
    }
    if cents > 99 {
        return None;
    }
    let amount = Money::new(units, cents);
    if negative {
        Some(Money::from_cents(-amount.cents))
    } else {
        Some(amount)
    }
}

/// Splits a bill between people and reports who pays what.
pub fn share_report(bill: Money, names: Vec<String>) -> Vec<String> {
    let people = names/*@c*/.clone();
    let shares = bill.split(people.len() as u32);
    let /*@m:E0596*/mut lines = Vec::new();
    for (name, share) in names.iter().zip(shares.iter()) {
        lines.push(format!("{}: {}", name, share));
    }
    lines
}

/// Applies a discount in percent, never going below zero.
pub fn discounted(price: Money, percentage: u32) -> Money {
    let cut = price.percent(percentage.min(100));
    let result = price.minus(cut);
    if result.is_negative() {
        Money::zero()
    } else {
        result
    }
}

/// Picks the cheaper of two labelled prices.
/*@lt*/pub fn cheaper<'a>(first: &'a (String, Money), second: &'a (String, Money)) -> &'a str {
    if second.1.cents < first.1.cents {
        &second.0
    } else {
        &first.0
    }
}

#[cfg(test)]
mod tests {
    use super::{cheaper, discounted, largest, parse, share_report, total, Currency, Money};

    #[test]
    fn formats_and_parses() {
        let price = Money::new(12, 5);
        assert_eq!(price.to_string(), "12.05");
        assert_eq!(price.format(Currency::Eur), "€12.05");
        assert_eq!(parse("12.05"), Some(price));
        assert_eq!(parse("-0.5").map(|m| m.cents), Some(-50));
        assert_eq!(parse("abc"), None);
        assert_eq!(Currency::Usd.code(), "USD");
    }

    #[test]
    fn splits_without_losing_cents() {
        let shares = Money::from_cents(1001).split(3);
        assert_eq!(shares.len(), 3);
        assert_eq!(total(/*@r*/&shares).cents, 1001);
        assert_eq!(largest(&shares).map(|m| m.cents), Some(334));
    }

    #[test]
    fn discounts_and_reports() {
        let price = Money::new(20, 0);
        assert_eq!(discounted(price, 25).cents, 1500);
        assert_eq!(discounted(price, 250).cents, 0);
        let names = vec!["ann".to_string(), "bob".to_string()];
        let report = share_report(Money::from_cents(301), names);
        assert_eq!(report, vec!["ann: 1.51", "bob: 1.50"]);
        assert!(price.is_more_than(&Money::from_cents(1)));
    }

    #[test]
    fn picks_the_cheaper_label() {
        let tea = ("tea".to_string(), Money::from_cents(250));
        let milk = ("milk".to_string(), Money::from_cents(120));
        assert_eq!(cheaper(&tea, &milk), "milk");
        assert_eq!(cheaper(&tea, &tea), "tea");
    }
}

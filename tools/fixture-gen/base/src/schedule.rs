//! Shop opening hours and staff shifts, measured in minutes since midnight.

/*@u:E0425:schedule_reverse*/use std::cmp::Reverse;
use std::collections::HashMap;

/// A time of day in minutes since midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Time {
    pub minutes: u32,
}

/// A shift worked by one person.
#[derive(Debug, Clone, PartialEq)]
pub struct Shift {
    pub person: String,
    pub day: u8,
    pub start: Time,
    pub end: Time,
}

/// The kind of a day, for the notice board.
#[derive(Clone, Copy, /*@d:daykind_dbg*/Debug, /*@d:daykind_eq*/PartialEq)]
pub enum DayKind {
    Weekday,
    Weekend,
}

/// A week of shifts.
#[derive(Debug, Clone, Default)]
pub struct Roster {
    pub shifts: Vec<Shift>,
    pub max_minutes_per_week: u32,
}

impl Time {
    pub fn new(hours: u32, minutes: u32) -> Time {
        Time {
            minutes: hours * 60 + minutes,
        }
    }

    pub fn parse(text: &str) -> Option<Time> {
        let (hours, minutes) = text.split_once(':')?;
        let hours: u32 = hours.trim().parse().ok()?;
        let minutes: u32 = minutes.trim().parse().ok()?;
        if hours > 23 || minutes > 59 {
            return None;
        }
        Some(Time::new(hours, minutes))
    }

    pub fn hours(&self) -> u32 {
        self.minutes / 60
    }

    pub fn label(&self) -> String {
        format!("{:02}:{:02}", self.hours(), self.minutes % 60)
    }
}

impl DayKind {
    pub fn of(day: u8) -> DayKind {
        if day >= 5 {
            DayKind::Weekend
        } else {
            DayKind::Weekday
        }
    }

    pub fn notice(self) -> String {
        /*@t:daykind_dbg*/format!("{:?} hours apply", self)
    }

    pub fn is_weekend(self) -> bool {
        /*@t:daykind_eq*/self == DayKind::Weekend
    }
}

impl Shift {
    pub fn new(person: &str, day: u8, start: &str, end: &str) -> Option<Shift> {
        let start = Time::parse(start)?;
        let end = Time::parse(end)?;
        if end <= start {
            return None;
        }
        Some(Shift {
            person: person.to_string(),
            day,
            start,
            end,
        })
    }

    pub fn length(&self) -> u32 {
        self.end.minutes - self.start.minutes
    }

    pub fn overlaps(&self, other: &Shift) -> bool {
        self.day == other.day && self.start < other.end && other.start < self.end
    }

    pub fn describe(&self) -> String {
        format!(
            "{} day {} {}-{}",
            self.person,
            self.day,
            self.start.label(),
            self.end.label()
        )
    }
}

impl Roster {
    pub fn new(max_hours: u32) -> Roster {
        Roster {
            shifts: Vec::new(),
            max_minutes_per_week: max_hours * 60,
        }
    }

    /// Adds a shift unless the person already works at that time.
    pub fn assign(&mut self, shift: Shift) -> bool {
        let clash = self
            .shifts
            .iter()
            .any(|existing| existing.person == shift.person && existing.overlaps(&shift));
        if clash {
            return false;
        }
        self.shifts.push(shift);
        true
    }

    pub fn minutes_of(&self, person: &str) -> u32 {
        self.shifts
            .iter()
            .filter(|shift| shift.person == person)
            .map(|shift| shift.length())
            .sum()
    }

    pub fn overworked(&self) -> Vec<String> {
        let mut totals: HashMap<&str, u32> = HashMap::new();
        for shift in &self.shifts {
            *totals.entry(shift.person.as_str()).or_insert(0) += shift.length();
        }
        let /*@m:E0596*/mut names: Vec<String> = totals
            .into_iter()
            .filter(|(_, minutes)| *minutes > self.max_minutes_per_week)
            .map(|(name, _)| name.to_string())
            .collect();
        names.sort();
        names
    }

    /// Who is working at a given time of a given day.
    pub fn on_duty(&self, day: u8, at: Time) -> Vec<String> {
        let mut people: Vec<String> = self
            .shifts
            .iter()
            .filter(|shift| shift.day == day && shift.start <= at && at < shift.end)
            .map(|shift| shift.person.clone())
            .collect();
        people.sort();
        people.dedup();
        people
    }

    /// People ordered by hours worked, most first.
    pub fn busiest(&self) -> Vec<(String, u32)> {
        let mut totals: HashMap<String, u32> = HashMap::new();
        for shift in &self.shifts {
            *totals.entry(shift.person.clone()).or_insert(0) += shift.length();
        }
        let mut list: Vec<(String, u32)> = totals.into_iter().collect();
        list.sort_by_key(|(name, minutes)| (/*@t:schedule_reverse*/Reverse(*minutes), name.clone()));
        list
    }

    pub fn weekend_minutes(&self) -> u32 {
        let /*@m:E0384*/mut total = 0;
        for shift in self
            .shifts
            .iter()
            .filter(|shift| DayKind::of(shift.day).is_weekend())
        {
            total = total + shift.length();
        }
        total
    }
}

/// The earlier of two shifts.
/*@lt*/pub fn earlier<'a>(first: &'a Shift, second: &'a Shift) -> &'a Shift {
    if (second.day, second.start) < (first.day, first.start) {
        second
    } else {
        first
    }
}

/// Parses `person day start end` lines into shifts, dropping bad ones.
pub fn parse_shifts(lines: Vec<String>) -> (Vec<Shift>, usize) {
    let copy = lines/*@c*/.clone();
    let shifts: Vec<Shift> = copy
        .iter()
        .filter_map(|line| {
            let parts: Vec<&str> = line.split_whitespace().collect();
            if parts.len() != 4 {
                return None;
            }
            Shift::new(parts[0], parts[1].parse().ok()?, parts[2], parts[3])
        })
        .collect();
    let dropped = lines.len() - shifts.len();
    (shifts, dropped)
}

#[cfg(test)]
mod tests {
    use super::{earlier, parse_shifts, DayKind, Roster, Shift, Time};

    fn roster() -> Roster {
        let lines = vec![
            "ann 0 09:00 17:00".to_string(),
            "bob 0 12:00 20:00".to_string(),
            "ann 5 10:00 14:00".to_string(),
            "bob 1 25:00 26:00".to_string(),
        ];
        let (shifts, dropped) = parse_shifts(lines);
        assert_eq!(dropped, 1);
        let mut roster = Roster::new(10);
        for shift in shifts {
            assert!(roster.assign(shift));
        }
        roster
    }

    #[test]
    fn times() {
        assert_eq!(Time::parse("09:30"), Some(Time::new(9, 30)));
        assert_eq!(Time::parse("24:00"), None);
        assert_eq!(Time::new(7, 5).label(), "07:05");
        assert_eq!(DayKind::of(6).notice(), "Weekend hours apply");
    }

    #[test]
    fn assigns_without_clashes() {
        let mut roster = roster();
        let clash = Shift::new("ann", 0, "16:00", "18:00").unwrap();
        assert!(!roster.assign(clash));
        assert_eq!(roster.minutes_of("ann"), 12 * 60);
        assert_eq!(roster.overworked(), vec!["ann"]);
        assert_eq!(roster.on_duty(0, Time::new(13, 0)), vec!["ann", "bob"]);
        assert_eq!(roster.weekend_minutes(), 240);
    }

    #[test]
    fn orders_people() {
        let roster = roster();
        let busiest = roster.busiest();
        assert_eq!(busiest[0], ("ann".to_string(), 720));
        assert_eq!(busiest[1].0, "bob");
        let first = earlier(&roster.shifts[1], &roster.shifts[0]);
        assert_eq!(first.describe(), "ann day 0 09:00-17:00");
    }
}

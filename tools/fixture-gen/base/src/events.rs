//! An event log for the till: parsing, filtering, grouping and rates over time windows.

use std::collections::HashMap;

/// How serious an event is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Info,
    Warning,
    Error,
}

/// One line of the log.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub time: u64,
    pub level: Level,
    pub source: String,
    pub text: String,
}

/// Where a log goes when it is rotated.
#[derive(Clone, Copy, /*@d:sink_dbg*/Debug, /*@d:sink_eq*/PartialEq)]
pub enum Sink {
    Disk,
    Remote,
    Nowhere,
}

/// The log with a capacity; old events are dropped first.
#[derive(Debug, Clone)]
pub struct Log {
    pub events: Vec<Event>,
    pub capacity: usize,
    pub dropped: usize,
}

impl Level {
    pub fn parse(text: &str) -> Option<Level> {
        match text.to_ascii_uppercase().as_str() {
            "INFO" => Some(Level::Info),
            "WARN" | "WARNING" => Some(Level::Warning),
            "ERROR" => Some(Level::Error),
            _ => None,
        }
    }

    pub fn short(self) -> &'static str {
        match self {
            Level::Info => "I",
            Level::Warning => "W",
            Level::Error => "E",
        }
    }
}

impl Sink {
    pub fn describe(self) -> String {
        /*@t:sink_dbg*/format!("rotating to {:?}", self)
    }

    pub fn keeps_data(self) -> bool {
        !(/*@t:sink_eq*/self == Sink::Nowhere)
    }
}

impl Event {
    /// Parses `time level source: text`.
    pub fn parse(line: &str) -> Option<Event> {
        let mut parts = line.splitn(3, ' ');
        let time: u64 = parts.next()?.parse().ok()?;
        let level = Level::parse(parts.next()?)?;
        let rest = parts.next()?;
        let (source, text) = rest.split_once(": ")?;
        Some(Event {
            time,
            level,
            source: source.to_string(),
            text: text.trim().to_string(),
        })
    }

    pub fn render(&self) -> String {
        format!(
            "[{}] {} {}: {}",
            self.level.short(),
            self.time,
            self.source,
            self.text
        )
    }

    pub fn mentions(&self, word: &str) -> bool {
        self.text.to_lowercase().contains(&word.to_lowercase())
    }
}

impl Log {
    pub fn new(capacity: usize) -> Log {
        Log {
            events: Vec::new(),
            capacity,
            dropped: 0,
        }
    }

    pub fn record(&mut self, event: Event) {
        if self.events.len() == self.capacity {
            self.events.remove(0);
            self.dropped += 1;
        }
        self.events.push(event);
    }

    pub fn at_least(&self, level: Level) -> Vec<&Event> {
        self.events
            .iter()
            .filter(|event| event.level >= level)
            .collect()
    }

    pub fn count_by_source(&self) -> Vec<(String, usize)> {
        let mut counts: HashMap<String, usize> = HashMap::new();
        for event in &self.events {
            *counts.entry(event.source.clone()).or_insert(0) += 1;
        }
        let /*@m:E0596*/mut sorted: Vec<(String, usize)> = counts.into_iter().collect();
        sorted.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        sorted
    }

    pub fn count_by_level(&self) -> HashMap<Level, usize> {
        let /*@m:E0596*/mut counts = HashMap::new();
        for event in &self.events {
            *counts.entry(event.level).or_insert(0) += 1;
        }
        counts
    }

    /// Number of events in each window of `width` time units, starting at the first event.
    pub fn rates(&self, width: u64) -> Vec<usize> {
        let first = match self.events.first() {
            Some(event) => event.time,
            None => return Vec::new(),
        };
        let mut buckets: Vec<usize> = Vec::new();
        for event in &self.events {
            let index = ((event.time - first) / width) as usize;
            if buckets.len() <= index {
                buckets.resize(index + 1, 0);
            }
            buckets[index] += 1;
        }
        buckets
    }

    pub fn search(&self, word: &str) -> Vec<String> {
        self.events
            .iter()
            .filter(|event| event.mentions(word))
            .map(|event| event.render())
            .collect()
    }

    pub fn last_error(&self) -> Option<&Event> {
        self.events
            .iter()
            .rev()
            .find(|event| event.level == Level::Error)
    }

    pub fn time_span(&self) -> u64 {
        match (self.events.first(), self.events.last()) {
            (Some(first), Some(last)) => last.time - first.time,
            _ => 0,
        }
    }
}

/// Reads a log from text, returning how many lines could not be parsed.
pub fn read_log(text: &str, capacity: usize) -> (Log, usize) {
    let /*@m:E0596*/mut log = Log::new(capacity);
    let mut bad = 0;
    for line in text.lines().filter(|line| !line.trim().is_empty()) {
        match Event::parse(line) {
            Some(event) => log.record(event),
            None => bad += 1,
        }
    }
    (log, bad)
}

/// The later of two events.
/*@lt*/pub fn later<'a>(first: &'a Event, second: &'a Event) -> &'a Event {
    if second.time > first.time {
        second
    } else {
        first
    }
}

/// Merges two logs by time into a new one with the larger capacity.
pub fn merge(first: &Log, second: &Log) -> Log {
    let mut all: Vec<Event> = first
        .events
        .iter()
        .chain(second.events.iter())
        .cloned()
        .collect();
    all.sort_by_key(|event| event.time);
    let mut merged = Log::new(first.capacity.max(second.capacity));
    for event in all {
        merged.record(event);
    }
    merged
}

/// Counts the errors in a batch of events that will be archived.
pub fn archive(events: Vec<Event>) -> (Vec<String>, usize) {
    let batch = events/*@c*/.clone();
    let lines: Vec<String> = batch.iter().map(|event| event.render()).collect();
    let errors = events
        .iter()
        .filter(|event| event.level == Level::Error)
        .count();
    (lines, errors)
}

/// The longest quiet time between two events.
pub fn longest_gap(log: &Log) -> u64 {
    let /*@m:E0384*/mut best = 0;
    for pair in log.events.windows(2) {
        let gap = pair[1].time - pair[0].time;
        if gap > best {
            best = gap;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::{archive, later, longest_gap, merge, read_log, Level, Sink};

    const SAMPLE: &str = "10 INFO till: opened\n12 WARN printer: paper low\n\n15 ERROR till: drawer stuck\nnonsense\n31 info printer: paper refilled\n";

    #[test]
    fn parses_and_counts() {
        let (log, bad) = read_log(SAMPLE, 10);
        assert_eq!(bad, 1);
        assert_eq!(log.events.len(), 4);
        assert_eq!(log.at_least(Level::Warning).len(), 2);
        assert_eq!(
            log.count_by_source(),
            vec![("printer".to_string(), 2), ("till".to_string(), 2)]
        );
        assert_eq!(log.count_by_level().get(&Level::Info), Some(&2));
        assert_eq!(log.time_span(), 21);
        assert_eq!(longest_gap(/*@r*/&log), 16);
    }

    #[test]
    fn windows_and_search() {
        let (log, _) = read_log(SAMPLE, 10);
        assert_eq!(log.rates(10), vec![3, 0, 1]);
        assert_eq!(
            log.search("PAPER"),
            vec![
                "[W] 12 printer: paper low",
                "[I] 31 printer: paper refilled"
            ]
        );
        assert_eq!(log.last_error().map(|event| event.time), Some(15));
    }

    #[test]
    fn capacity_and_merging() {
        let (small, _) = read_log(SAMPLE, 2);
        assert_eq!(small.events.len(), 2);
        assert_eq!(small.dropped, 2);
        let (full, _) = read_log(SAMPLE, 10);
        let merged = merge(/*@r*/&small, &full);
        assert_eq!(merged.events.len(), 6);
        assert_eq!(merged.events[0].time, 10);
        let newest = later(&full.events[0], &full.events[3]);
        assert_eq!(newest.source, "printer");
        let (lines, errors) = archive(full.events.clone());
        assert_eq!(lines.len(), 4);
        assert_eq!(errors, 1);
    }

    #[test]
    fn sinks() {
        assert_eq!(Sink::Remote.describe(), "rotating to Remote");
        assert!(Sink::Disk.keeps_data());
        assert!(!Sink::Nowhere.keeps_data());
    }
}

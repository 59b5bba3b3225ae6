//! Descriptive statistics over samples of floating-point numbers.

/*@u:E0433:stats_hashmap*/use std::collections::HashMap;

/// Summary of a sample.
#[derive(Debug, Clone, PartialEq)]
pub struct SampleSummary {
    pub count: usize,
    pub mean: f64,
    pub minimum: f64,
    pub maximum: f64,
    pub spread: f64,
}

/// A histogram with equal-width buckets.
#[derive(Debug, Clone)]
pub struct Histogram {
    pub start: f64,
    pub width: f64,
    pub buckets: Vec<usize>,
}

/// How outliers are treated.
#[derive(Clone, Copy, /*@d:outlier_dbg*/Debug)]
pub enum OutlierRule {
    Keep,
    DropAbove(f64),
}

/// A running mean that does not store the values.
#[derive(Debug, Clone, Default)]
pub struct Running {
    pub count: u64,
    pub mean: f64,
}

pub fn mean(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let sum: f64 = values.iter().sum();
    Some(sum / values.len() as f64)
}

pub fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let middle = sorted.len() / 2;
    if sorted.len() % 2 == 0 {
        Some((sorted[middle - 1] + sorted[middle]) / 2.0)
    } else {
        Some(sorted[middle])
    }
}

pub fn variance(values: &[f64]) -> Option<f64> {
    let average = mean(values)?;
    let squares: Vec<f64> = values
        .iter()
        .map(|value| (value - average).powi(2))
        .collect();
    mean(/*@r*/&squares)
}

pub fn std_dev(values: &[f64]) -> Option<f64> {
    variance(values).map(|value| value.sqrt())
}

/// The most common value after rounding to whole numbers.
pub fn mode(values: &[f64]) -> Option<i64> {
    let mut counts = /*@t:stats_hashmap*/HashMap::new();
    for value in values {
        *counts.entry(value.round() as i64).or_insert(0) += 1;
    }
    counts
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
        .map(|(value, _)| value)
}

pub fn summarize(values: &[f64]) -> Option<SampleSummary> {
    let average = mean(values)?;
    let minimum = values.iter().cloned().fold(f64::INFINITY, f64::min);
    let maximum = values.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    Some(SampleSummary {
        count: values.len(),
        mean: average,
        minimum,
        maximum,
        spread: maximum - minimum,
    })
}

impl SampleSummary {
    pub fn describe(&self) -> String {
        format!(
            "n={} mean={:.2} range={:.2}..{:.2}",
            self.count, self.mean, self.minimum, self.maximum
        )
    }

    pub fn is_flat(&self) -> bool {
        self.spread.abs() < 1e-9
    }
}

impl OutlierRule {
    pub fn apply(self, values: &[f64]) -> Vec<f64> {
        match self {
            OutlierRule::Keep => values.to_vec(),
            OutlierRule::DropAbove(limit) => values
                .iter()
                .copied()
                .filter(|value| *value <= limit)
                .collect(),
        }
    }

    pub fn name(self) -> String {
        let full = /*@t:outlier_dbg*/format!("{:?}", self);
        full.split('(').next().unwrap_or("").to_string()
    }
}

impl Histogram {
    pub fn new(start: f64, width: f64, count: usize) -> Histogram {
        Histogram {
            start,
            width,
            buckets: vec![0; count],
        }
    }

    pub fn add(&mut self, value: f64) -> bool {
        if value < self.start {
            return false;
        }
        let index = ((value - self.start) / self.width) as usize;
        match self.buckets.get_mut(index) {
            Some(bucket) => {
                *bucket += 1;
                true
            }
            None => false,
        }
    }

    pub fn total(&self) -> usize {
        self.buckets.iter().sum()
    }

    pub fn fullest(&self) -> Option<usize> {
        let best = self
            .buckets
            .iter()
            .enumerate()
            .max_by_key(|(index, count)| (**count, usize::MAX - index))?;
        Some(best.0)
    }

    pub fn bars(&self) -> Vec<String> {
        self.buckets
            .iter()
            .map(|count| "#".repeat(*count))
            .collect()
    }
}

impl Running {
    pub fn push(&mut self, value: f64) {
        self.count += 1;
        self.mean += (value - self.mean) / self.count as f64;
    }
}

/// Fills a histogram from values and reports how many fell outside.
pub fn histogram_of(values: &[f64], start: f64, width: f64, count: usize) -> (Histogram, usize) {
    let /*@m:E0596*/mut histogram = Histogram::new(start, width, count);
    let mut outside = 0;
    for value in values {
        if !histogram.add(*value) {
            outside += 1;
        }
    }
    (histogram, outside)
}

/// Moving average over a window.
pub fn moving_average(values: &[f64], window: usize) -> Vec<f64> {
    if window == 0 || values.len() < window {
        return Vec::new();
    }
    values
        .windows(window)
        .map(|slice| slice.iter().sum::<f64>() / window as f64)
        .collect()
}

/// Percent change between consecutive values.
pub fn changes(values: &[f64]) -> Vec<f64> {
    let /*@m:E0596*/mut result = Vec::new();
    for pair in values.windows(2) {
        if pair[0] != 0.0 {
            result.push((pair[1] - pair[0]) / pair[0] * 100.0);
        }
    }
    result
}

/// Normalises values to 0..=1; returns the original count too.
pub fn normalised(values: Vec<f64>) -> (Vec<f64>, usize) {
    let data = values/*@c*/.clone();
    let summary = match summarize(/*@r*/&data) {
        Some(summary) => summary,
        None => return (Vec::new(), 0),
    };
    let scaled = data
        .iter()
        .map(|value| {
            if summary.is_flat() {
                0.0
            } else {
                (value - summary.minimum) / summary.spread
            }
        })
        .collect();
    (scaled, values.len())
}

/// Counts how many running means cross a threshold.
pub fn crossings(values: &[f64], threshold: f64) -> usize {
    let mut running = Running::default();
    let mut above = false;
    let /*@m:E0384*/mut count = 0;
    for value in values {
        running.push(*value);
        let now_above = running.mean > threshold;
        if now_above && !above {
            count = count + 1;
        }
        above = now_above;
    }
    count
}

#[cfg(test)]
mod tests {
    use super::{
        changes, crossings, histogram_of, mean, median, mode, moving_average, normalised, std_dev,
        summarize, OutlierRule,
    };

    #[test]
    fn central_values() {
        let values = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0];
        assert_eq!(mean(/*@r*/&values), Some(5.0));
        assert_eq!(median(&values), Some(4.5));
        assert_eq!(std_dev(&values), Some(2.0));
        assert_eq!(mode(&values), Some(4));
        assert_eq!(mean(&[]), None);
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
    }

    #[test]
    fn summaries() {
        let summary = summarize(&[1.0, 3.0, 2.0]).unwrap();
        assert_eq!(summary.count, 3);
        assert_eq!(summary.spread, 2.0);
        assert_eq!(summary.describe(), "n=3 mean=2.00 range=1.00..3.00");
        assert!(!summary.is_flat());
        assert_eq!(
            OutlierRule::DropAbove(2.5).apply(&[1.0, 3.0, 2.0]),
            vec![1.0, 2.0]
        );
        assert_eq!(OutlierRule::DropAbove(1.0).name(), "DropAbove");
        assert_eq!(OutlierRule::Keep.name(), "Keep");
    }

    #[test]
    fn histograms() {
        let (histogram, outside) = histogram_of(&[0.5, 1.5, 1.7, 9.0, -1.0], 0.0, 1.0, 3);
        assert_eq!(outside, 2);
        assert_eq!(histogram.buckets, vec![1, 2, 0]);
        assert_eq!(histogram.total(), 3);
        assert_eq!(histogram.fullest(), Some(1));
        assert_eq!(histogram.bars(), vec!["#", "##", ""]);
    }

    #[test]
    fn series() {
        assert_eq!(
            moving_average(&[1.0, 2.0, 3.0, 4.0], 2),
            vec![1.5, 2.5, 3.5]
        );
        assert_eq!(changes(&[100.0, 110.0, 0.0, 5.0]), vec![10.0, -100.0]);
        let (scaled, count) = normalised(vec![2.0, 4.0, 6.0]);
        assert_eq!(scaled, vec![0.0, 0.5, 1.0]);
        assert_eq!(count, 3);
        assert_eq!(crossings(&[1.0, 10.0, 0.0, 0.0, 0.0, 30.0], 3.0), 2);
    }
}

//! Staff training results: scores, letter grades, rankings and per-course reports.

use std::collections::HashMap;

/// One score in one course.
#[derive(Debug, Clone, PartialEq)]
pub struct Score {
    pub student: String,
    pub course: String,
    pub points: u32,
}

/// A letter grade.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Letter {
    A,
    B,
    C,
    F,
}

/// A rule that turns points into a grade.
#[derive(Clone, Copy, /*@d:scale_dbg*/Debug, /*@d:scale_eq*/PartialEq)]
pub enum Scale {
    Normal,
    Generous,
}

/// All scores of a term.
#[derive(Debug, Clone, Default)]
pub struct Gradebook {
    pub scores: Vec<Score>,
    pub max_points: u32,
}

/// A line of the course report.
#[derive(Debug, Clone, PartialEq)]
pub struct CourseReport {
    pub course: String,
    pub students: usize,
    pub average: f64,
    pub best: String,
}

impl Scale {
    pub fn letter(self, percent: u32) -> Letter {
        let bonus = if /*@t:scale_eq*/self == Scale::Generous { 5 } else { 0 };
        let adjusted = percent + bonus;
        if adjusted >= 90 {
            Letter::A
        } else if adjusted >= 75 {
            Letter::B
        } else if adjusted >= 50 {
            Letter::C
        } else {
            Letter::F
        }
    }

    pub fn name(self) -> String {
        /*@t:scale_dbg*/format!("{:?}", self).to_lowercase()
    }
}

impl Letter {
    pub fn passed(self) -> bool {
        self != Letter::F
    }

    pub fn symbol(self) -> char {
        match self {
            Letter::A => 'A',
            Letter::B => 'B',
            Letter::C => 'C',
            Letter::F => 'F',
        }
    }
}

impl Gradebook {
    pub fn new(max_points: u32) -> Gradebook {
        Gradebook {
            scores: Vec::new(),
            max_points,
        }
    }

    pub fn record(&mut self, student: &str, course: &str, points: u32) {
        let capped = points.min(self.max_points);
        match self
            .scores
            .iter_mut()
            .find(|score| score.student == student && score.course == course)
        {
            Some(existing) => existing.points = existing.points.max(capped),
            None => self.scores.push(Score {
                student: student.to_string(),
                course: course.to_string(),
                points: capped,
            }),
        }
    }

    pub fn percent(&self, points: u32) -> u32 {
        if self.max_points == 0 {
            0
        } else {
            points * 100 / self.max_points
        }
    }

    pub fn grade_of(&self, student: &str, course: &str, scale: Scale) -> Option<Letter> {
        let score = self
            .scores
            .iter()
            .find(|score| score.student == student && score.course == course)?;
        Some(scale.letter(self.percent(score.points)))
    }

    pub fn courses(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .scores
            .iter()
            .map(|score| score.course.clone())
            .collect();
        names.sort();
        names.dedup();
        names
    }

    pub fn average_of(&self, student: &str) -> Option<f64> {
        let points: Vec<f64> = self
            .scores
            .iter()
            .filter(|score| score.student == student)
            .map(|score| score.points as f64)
            .collect();
        crate::stats::mean(/*@r*/&points)
    }

    /// Students ordered by total points, best first, ties by name.
    pub fn ranking(&self) -> Vec<(String, u32)> {
        let mut totals: HashMap<String, u32> = HashMap::new();
        for score in &self.scores {
            *totals.entry(score.student.clone()).or_insert(0) += score.points;
        }
        let /*@m:E0596*/mut list: Vec<(String, u32)> = totals.into_iter().collect();
        list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        list
    }

    pub fn report(&self, course: &str) -> Option<CourseReport> {
        let scores: Vec<&Score> = self
            .scores
            .iter()
            .filter(|score| score.course == course)
            .collect();
        let best = scores.iter().max_by_key(|score| score.points)?;
        let /*@m:E0384*/mut sum = 0;
        for score in &scores {
            sum = sum + score.points;
        }
        Some(CourseReport {
            course: course.to_string(),
            students: scores.len(),
            average: sum as f64 / scores.len() as f64,
            best: best.student.clone(),
        })
    }

    pub fn letter_counts(&self, scale: Scale) -> Vec<(Letter, usize)> {
        let /*@m:E0596*/mut counts: HashMap<Letter, usize> = HashMap::new();
        for score in &self.scores {
            *counts
                .entry(scale.letter(self.percent(score.points)))
                .or_insert(0) += 1;
        }
        let mut list: Vec<(Letter, usize)> = counts.into_iter().collect();
        list.sort();
        list
    }

    pub fn failed(&self, scale: Scale) -> Vec<String> {
        let mut names: Vec<String> = self
            .scores
            .iter()
            .filter(|score| !scale.letter(self.percent(score.points)).passed())
            .map(|score| format!("{} ({})", score.student, score.course))
            .collect();
        names.sort();
        names
    }
}

/// The better of two scores.
/*@lt*/pub fn better<'a>(first: &'a Score, second: &'a Score) -> &'a Score {
    if second.points > first.points {
        second
    } else {
        first
    }
}

/// Reads `student,course,points` lines into a gradebook and counts rejected lines.
pub fn import(lines: Vec<String>, max_points: u32) -> (Gradebook, usize) {
    let rows = lines/*@c*/.clone();
    let mut book = Gradebook::new(max_points);
    let mut accepted = 0;
    for row in rows {
        let fields: Vec<&str> = row.split(',').map(|field| field.trim()).collect();
        if let [student, course, points] = fields.as_slice() {
            if let Ok(points) = points.parse::<u32>() {
                book.record(student, course, points);
                accepted += 1;
            }
        }
    }
    (book, lines.len() - accepted)
}

#[cfg(test)]
mod tests {
    use super::{better, import, Gradebook, Letter, Scale};

    fn book() -> Gradebook {
        let lines = vec![
            "ann,safety,45".to_string(),
            "bob,safety,30".to_string(),
            "ann,till,20".to_string(),
            "cy,till,50".to_string(),
            "bob,till,oops".to_string(),
        ];
        let (book, rejected) = import(lines, 50);
        assert_eq!(rejected, 1);
        book
    }

    #[test]
    fn grades() {
        let book = book();
        assert_eq!(
            book.grade_of("ann", "safety", Scale::Normal),
            Some(Letter::A)
        );
        assert_eq!(
            book.grade_of("bob", "safety", Scale::Normal),
            Some(Letter::C)
        );
        assert_eq!(
            book.grade_of("ann", "till", Scale::Generous),
            Some(Letter::F)
        );
        assert_eq!(book.grade_of("zed", "till", Scale::Normal), None);
        assert_eq!(Scale::Generous.name(), "generous");
        assert_eq!(Letter::B.symbol(), 'B');
    }

    #[test]
    fn rankings_and_reports() {
        let mut book = book();
        assert_eq!(book.ranking()[0], ("ann".to_string(), 65));
        assert_eq!(book.courses(), vec!["safety", "till"]);
        assert_eq!(book.average_of("ann"), Some(32.5));
        let report = book.report("till").unwrap();
        assert_eq!(report.students, 2);
        assert_eq!(report.average, 35.0);
        assert_eq!(report.best, "cy");
        book.record("ann", "till", 10);
        assert_eq!(book.report("till").unwrap().average, 35.0);
    }

    #[test]
    fn counts_and_failures() {
        let book = book();
        assert_eq!(
            book.letter_counts(Scale::Normal),
            vec![(Letter::A, 2), (Letter::C, 1), (Letter::F, 1)]
        );
        assert_eq!(book.failed(Scale::Normal), vec!["ann (till)"]);
        let top = better(&book.scores[0], &book.scores[3]);
        assert_eq!(top.student, "cy");
    }
}

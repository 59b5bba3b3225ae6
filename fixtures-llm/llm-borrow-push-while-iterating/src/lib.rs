//! A score board. A refactor made `promote` push into the list it walks, which the borrow checker
//! refuses (E0502): the halves of the high scores must be gathered first, then appended.

#[derive(Debug, Default)]
pub struct Scores {
    all: Vec<u32>,
}

impl Scores {
    pub fn new(all: Vec<u32>) -> Scores {
        Scores { all }
    }

    pub fn all(&self) -> &[u32] {
        &self.all
    }

    /// Every score above 10 earns a bonus entry worth half of it, appended in order.
    pub fn promote(&mut self) {
        for score in self.all.iter() {
            if *score > 10 {
                self.all.push(*score / 2);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn high_scores_earn_half_as_a_bonus_in_order() {
        let mut scores = Scores::new(vec![4, 30, 12, 10]);
        scores.promote();
        assert_eq!(scores.all(), &[4, 30, 12, 10, 15, 6]);
    }

    #[test]
    fn bonuses_do_not_earn_bonuses() {
        let mut scores = Scores::new(vec![100]);
        scores.promote();
        assert_eq!(scores.all(), &[100, 50]);
    }
}

/// What can be measured.
pub trait Measure {
    fn perimeter(&self) -> f64;

    fn scaled(&self, by: f64) -> f64 {
        self.perimeter() * by
    }
}

use super::measure::Measure;

/// A closed figure.
pub struct Polygon {
    sides: usize,
}

impl Polygon {
    pub fn new(sides: usize) -> Polygon {
        Polygon { sides }
    }

    pub fn side_count(&self) -> usize {
        self.sides
    }

    fn secret(&self) -> usize {
        self.sides
    }
}

impl Measure for Polygon {
    fn perimeter(&self) -> f64 {
        self.secret() as f64
    }
}

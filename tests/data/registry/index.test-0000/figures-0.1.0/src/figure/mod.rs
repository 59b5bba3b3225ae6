/// A closed figure.
pub struct Polygon {
    sides: usize,
}

impl Polygon {
    pub fn new(sides: usize) -> Polygon {
        Polygon { sides }
    }

    pub fn sides(&self) -> usize {
        self.sides
    }
}

pub trait Measure {
    #[deprecated(since = "0.1.5", note = "Renamed to `perimeter`")]
    fn length(&self) -> f64;

    fn perimeter(&self) -> f64;
}

impl Measure for Polygon {
    fn length(&self) -> f64 {
        self.perimeter()
    }

    fn perimeter(&self) -> f64 {
        self.sides as f64
    }
}

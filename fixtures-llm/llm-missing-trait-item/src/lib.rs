//! Shapes. The trait gained `perimeter`; `Circle` has it, `Rect` does not yet (E0046). rustc's only
//! suggestion is a `todo!()` body, which is no fix: the body must follow from the shape.

use std::f64::consts::PI;

pub trait Shape {
    fn area(&self) -> f64;
    fn perimeter(&self) -> f64;
}

pub struct Circle {
    pub radius: f64,
}

pub struct Rect {
    pub width: f64,
    pub height: f64,
}

impl Shape for Circle {
    fn area(&self) -> f64 {
        PI * self.radius * self.radius
    }

    fn perimeter(&self) -> f64 {
        2.0 * PI * self.radius
    }
}

impl Shape for Rect {
    fn area(&self) -> f64 {
        self.width * self.height
    }
}

/// The fence needed around every shape, end to end.
pub fn fence_length(shapes: &[&dyn Shape]) -> f64 {
    shapes.iter().map(|shape| shape.perimeter()).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rectangle_is_fenced_on_four_sides() {
        let rect = Rect {
            width: 3.0,
            height: 2.0,
        };
        assert_eq!(rect.perimeter(), 10.0);
        assert_eq!(rect.area(), 6.0);
    }

    #[test]
    fn fences_add_up() {
        let square = Rect {
            width: 1.0,
            height: 1.0,
        };
        let circle = Circle { radius: 1.0 };
        let total = fence_length(&[&square, &circle]);
        assert!((total - (4.0 + 2.0 * PI)).abs() < 1e-9);
    }
}

//! Plane geometry: points, rectangles, polygons and simple layout helpers.

/*@u:E0425:geometry_pi*/use std::f64::consts::PI;
use std::fmt;

/// A point in the plane.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

/// An axis-aligned rectangle.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub origin: Point,
    pub width: f64,
    pub height: f64,
}

/// A closed polygon given by its corners.
#[derive(Debug, Clone)]
pub struct Polygon {
    pub corners: Vec<Point>,
    pub label: String,
}

/// Which side of a line a point lies on.
#[derive(Clone, Copy, /*@d:side_eq*/PartialEq, /*@d:side_dbg*/Debug)]
pub enum Side {
    Left,
    Right,
    On,
}

impl Point {
    pub fn new(x: f64, y: f64) -> Point {
        Point { x, y }
    }

    pub fn distance(&self, other: &Point) -> f64 {
        ((self.x - other.x).powi(2) + (self.y - other.y).powi(2)).sqrt()
    }

    pub fn translate(&self, dx: f64, dy: f64) -> Point {
        Point {
            x: self.x + dx,
            y: self.y + dy,
        }
    }

    pub fn midpoint(&self, other: &Point) -> Point {
        Point {
            x: (self.x + other.x) / 2.0,
            y: (self.y + other.y) / 2.0,
        }
    }

    /// Which side of the line from `start` to `end` this point is on.
    pub fn side_of(&self, start: &Point, end: &Point) -> Side {
        let cross = (end.x - start.x) * (self.y - start.y) - (end.y - start.y) * (self.x - start.x);
        if cross > 1e-9 {
            Side::Left
        } else if cross < -1e-9 {
            Side::Right
        } else {
            Side::On
        }
    }
}

impl fmt::Display for Point {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "({}, {})", self.x, self.y)
    }
}

impl Rect {
    pub fn new(x: f64, y: f64, width: f64, height: f64) -> Rect {
        Rect {
            origin: Point::new(x, y),
            width,
            height,
        }
    }

    pub fn area(&self) -> f64 {
        self.width * self.height
    }

    pub fn perimeter(&self) -> f64 {
        2.0 * (self.width + self.height)
    }

    pub fn contains(&self, point: &Point) -> bool {
        point.x >= self.origin.x
            && point.x <= self.origin.x + self.width
            && point.y >= self.origin.y
            && point.y <= self.origin.y + self.height
    }

    pub fn center(&self) -> Point {
        Point::new(
            self.origin.x + self.width / 2.0,
            self.origin.y + self.height / 2.0,
        )
    }

    pub fn intersects(&self, other: &Rect) -> bool {
        self.origin.x < other.origin.x + other.width
            && other.origin.x < self.origin.x + self.width
            && self.origin.y < other.origin.y + other.height
            && other.origin.y < self.origin.y + self.height
    }

    pub fn scaled(&self, factor: f64) -> Rect {
        Rect {
            origin: self.origin,
            width: self.width * factor,
            height: self.height * factor,
        }
    }
}

impl Polygon {
    pub fn new(label: &str, corners: Vec<Point>) -> Polygon {
        Polygon {
            corners,
            label: label.to_string(),
        }
    }

    /// Area by the shoelace formula.
    pub fn area(&self) -> f64 {
        let count = self.corners.len();
        let /*@m:E0384*/mut twice = 0.0;
        for index in 0..count {
            let current = self.corners[index];
            let next = self.corners[(index + 1) % count];
            twice = twice + current.x * next.y - next.x * current.y;
        }
        (twice / 2.0_f64).abs()
    }

    pub fn perimeter(&self) -> f64 {
        let count = self.corners.len();
        (0..count)
            .map(|index| self.corners[index].distance(&self.corners[(index + 1) % count]))
            .sum()
    }

    pub fn bounding_box(&self) -> Option<Rect> {
        let first = self.corners.first()?;
        let mut low = *first;
        let mut high = *first;
        for corner in &self.corners {
            low.x = low.x.min(corner.x);
            low.y = low.y.min(corner.y);
            high.x = high.x.max(corner.x);
            high.y = high.y.max(corner.y);
        }
        Some(Rect::new(low.x, low.y, high.x - low.x, high.y - low.y))
    }

    pub fn is_convex(&self) -> bool {
        let count = self.corners.len();
        if count < 3 {
            return false;
        }
        let mut sides = Vec::new();
        for index in 0..count {
            let side = self.corners[(index + 2) % count]
                .side_of(&self.corners[index], &self.corners[(index + 1) % count]);
            if !matches!(side, Side::On) {
                sides.push(side);
            }
        }
        sides.windows(2).all(|pair| {
            matches!(
                (pair[0], pair[1]),
                (Side::Left, Side::Left) | (Side::Right, Side::Right)
            )
        })
    }

    pub fn describe(&self) -> String {
        format!("{} with {} corners", self.label, self.corners.len())
    }
}

/// The point of a list that is closest to `target`.
/*@lt*/pub fn closest<'a>(points: &'a [Point], target: &'a Point) -> Option<&'a Point> {
    points
        .iter()
        .min_by(|a, b| a.distance(target).partial_cmp(&b.distance(target)).unwrap())
}

/// Lays rectangles out in a row with a gap between them.
pub fn row_layout(sizes: &[(f64, f64)], gap: f64) -> Vec<Rect> {
    let /*@m:E0596*/mut placed = Vec::new();
    let mut x = 0.0;
    for (width, height) in sizes {
        placed.push(Rect::new(x, 0.0, *width, *height));
        x += width + gap;
    }
    placed
}

/// The area of a round table of the given radius.
pub fn circle_area(radius: f64) -> f64 {
    /*@t:geometry_pi*/PI * radius * radius
}

/// Total area covered by rectangles, ignoring overlaps.
pub fn total_area(rects: &[Rect]) -> f64 {
    rects.iter().map(|rect| rect.area()).sum()
}

/// The corners of a square, counter-clockwise.
pub fn square(label: &str, size: f64) -> Polygon {
    let corners = vec![
        Point::new(0.0, 0.0),
        Point::new(size, 0.0),
        Point::new(size, size),
        Point::new(0.0, size),
    ];
    Polygon::new(label, corners)
}

/// Names the side of a point for a user interface.
pub fn side_name(point: &Point, start: &Point, end: &Point) -> String {
    let side = point.side_of(start, end);
    /*@t:side_dbg*/format!("{:?}", side).to_lowercase()
}

/// True if the three points lie on one line.
pub fn collinear(first: &Point, second: &Point, third: &Point) -> bool {
    /*@t:side_eq*/third.side_of(first, second) == Side::On
}

/// A polygon's corners moved by an offset, plus the original corner count.
pub fn shifted(corners: Vec<Point>, dx: f64, dy: f64) -> (Polygon, usize) {
    let moved: Vec<Point> = corners
        .iter()
        .map(|corner| corner.translate(dx, dy))
        .collect();
    let polygon = Polygon::new("shifted", moved);
    (polygon, corners.len())
}

#[cfg(test)]
mod tests {
    use super::{
        circle_area, closest, collinear, row_layout, shifted, side_name, square, total_area, Point,
        Polygon, Rect,
    };

    #[test]
    fn points() {
        let a = Point::new(0.0, 0.0);
        let b = Point::new(3.0, 4.0);
        assert_eq!(a.distance(&b), 5.0);
        assert_eq!(a.midpoint(/*@r*/&b), Point::new(1.5, 2.0));
        assert_eq!(b.translate(1.0, -1.0).to_string(), "(4, 3)");
        assert_eq!(
            side_name(&Point::new(0.0, 1.0), &a, &Point::new(1.0, 0.0)),
            "left"
        );
        assert!(collinear(&a, &b, &Point::new(6.0, 8.0)));
    }

    #[test]
    fn rectangles() {
        let rect = Rect::new(0.0, 0.0, 4.0, 2.0);
        assert_eq!(rect.area(), 8.0);
        assert_eq!(rect.perimeter(), 12.0);
        assert!(rect.contains(&Point::new(4.0, 1.0)));
        assert!(!rect.contains(&Point::new(4.1, 1.0)));
        assert_eq!(rect.center(), Point::new(2.0, 1.0));
        assert!(rect.intersects(&Rect::new(3.0, 1.0, 5.0, 5.0)));
        assert!(!rect.intersects(&Rect::new(5.0, 1.0, 5.0, 5.0)));
        assert_eq!(rect.scaled(0.5).area(), 2.0);
    }

    #[test]
    fn polygons() {
        let square = square("sq", 2.0);
        assert_eq!(square.area(), 4.0);
        assert_eq!(square.perimeter(), 8.0);
        assert!(square.is_convex());
        assert_eq!(square.bounding_box(), Some(Rect::new(0.0, 0.0, 2.0, 2.0)));
        assert_eq!(square.describe(), "sq with 4 corners");
        let dart = Polygon::new(
            "dart",
            vec![
                Point::new(0.0, 0.0),
                Point::new(4.0, 2.0),
                Point::new(0.0, 4.0),
                Point::new(1.0, 2.0),
            ],
        );
        assert!(!dart.is_convex());
        let (moved, count) = shifted(square.corners.clone(), 1.0, 1.0);
        assert_eq!(count, 4);
        assert_eq!(
            moved.bounding_box().map(|rect| rect.origin),
            Some(Point::new(1.0, 1.0))
        );
    }

    #[test]
    fn layout_and_search() {
        let rects = row_layout(&[(2.0, 1.0), (3.0, 3.0)], 1.0);
        assert_eq!(rects[1].origin.x, 3.0);
        assert_eq!(total_area(/*@r*/&rects), 11.0);
        assert!((circle_area(2.0) - 12.566).abs() < 0.001);
        let points = [Point::new(5.0, 5.0), Point::new(1.0, 1.0)];
        assert_eq!(closest(&points, &Point::new(0.0, 0.0)), Some(&points[1]));
    }
}

//! Small dense matrices of f64 for price tables and transforms.

/*@u:E0425:matrix_max*/use std::cmp::max;
use std::fmt;

/// A row-major matrix.
#[derive(Debug, Clone, PartialEq)]
pub struct Matrix {
    pub rows: usize,
    pub cols: usize,
    pub data: Vec<f64>,
}

/// Why two matrices could not be combined.
#[derive(Clone, /*@d:shape_dbg*/Debug, /*@d:shape_eq*/PartialEq)]
pub enum ShapeError {
    Rows(usize, usize),
    Columns(usize, usize),
}

impl Matrix {
    pub fn zeros(rows: usize, cols: usize) -> Matrix {
        Matrix {
            rows,
            cols,
            data: vec![0.0; rows * cols],
        }
    }

    pub fn identity(size: usize) -> Matrix {
        let mut matrix = Matrix::zeros(size, size);
        for index in 0..size {
            matrix.set(index, index, 1.0);
        }
        matrix
    }

    pub fn from_rows(rows: &[Vec<f64>]) -> Matrix {
        let cols = rows.first().map(|row| row.len()).unwrap_or(0);
        let mut data = Vec::with_capacity(rows.len() * cols);
        for row in rows {
            data.extend_from_slice(row);
        }
        Matrix {
            rows: rows.len(),
            cols,
            data,
        }
    }

    pub fn get(&self, row: usize, col: usize) -> f64 {
        self.data[row * self.cols + col]
    }

    pub fn set(&mut self, row: usize, col: usize, value: f64) {
        let position = row * self.cols + col;
        self.data[position] = value;
    }

    pub fn row(&self, row: usize) -> Vec<f64> {
        self.data[row * self.cols..(row + 1) * self.cols].to_vec()
    }

    pub fn column(&self, col: usize) -> Vec<f64> {
        (0..self.rows).map(|row| self.get(row, col)).collect()
    }

    pub fn transpose(&self) -> Matrix {
        let mut result = Matrix::zeros(self.cols, self.rows);
        for row in 0..self.rows {
            for col in 0..self.cols {
                result.set(col, row, self.get(row, col));
            }
        }
        result
    }

    pub fn add(&self, other: &Matrix) -> Result<Matrix, ShapeError> {
        if self.rows != other.rows {
            return Err(ShapeError::Rows(self.rows, other.rows));
        }
        if self.cols != other.cols {
            return Err(ShapeError::Columns(self.cols, other.cols));
        }
        let data = self
            .data
            .iter()
            .zip(other.data.iter())
            .map(|(a, b)| a + b)
            .collect();
        Ok(Matrix {
            rows: self.rows,
            cols: self.cols,
            data,
        })
    }

    pub fn multiply(&self, other: &Matrix) -> Result<Matrix, ShapeError> {
        if self.cols != other.rows {
            return Err(ShapeError::Columns(self.cols, other.rows));
        }
        let /*@m:E0596*/mut result = Matrix::zeros(self.rows, other.cols);
        for row in 0..self.rows {
            for col in 0..other.cols {
                let sum: f64 = (0..self.cols)
                    .map(|k| self.get(row, k) * other.get(k, col))
                    .sum();
                result.set(row, col, sum);
            }
        }
        Ok(result)
    }

    pub fn scale(&self, factor: f64) -> Matrix {
        Matrix {
            rows: self.rows,
            cols: self.cols,
            data: self.data.iter().map(|value| value * factor).collect(),
        }
    }

    pub fn trace(&self) -> f64 {
        let size = self.rows.min(self.cols);
        let /*@m:E0384*/mut sum = 0.0;
        for index in 0..size {
            sum = sum + self.get(index, index);
        }
        sum
    }

    pub fn row_sums(&self) -> Vec<f64> {
        (0..self.rows)
            .map(|row| self.row(row).iter().sum())
            .collect()
    }

    pub fn is_square(&self) -> bool {
        self.rows == self.cols
    }

    pub fn widest(&self) -> usize {
        /*@t:matrix_max*/max(self.rows, self.cols)
    }
}

impl fmt::Display for Matrix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for row in 0..self.rows {
            let cells: Vec<String> = self
                .row(row)
                .iter()
                .map(|value| format!("{}", value))
                .collect();
            writeln!(f, "[{}]", cells.join(" "))?;
        }
        Ok(())
    }
}

impl ShapeError {
    pub fn message(&self) -> String {
        /*@t:shape_dbg*/format!("shape mismatch: {:?}", self)
    }

    pub fn is_about_rows(&self) -> bool {
        matches!(self, ShapeError::Rows(..))
    }
}

/// True if adding the two matrices fails because of their rows.
pub fn rows_differ(a: &Matrix, b: &Matrix) -> bool {
    match a.add(b) {
        Ok(_) => false,
        Err(error) => /*@t:shape_eq*/error == ShapeError::Rows(a.rows, b.rows),
    }
}

/// Multiplies a chain of matrices left to right.
pub fn chain(matrices: &[Matrix]) -> Option<Matrix> {
    let first = matrices.first()?.clone();
    let mut product = first;
    for next in &matrices[1..] {
        product = product.multiply(next).ok()?;
    }
    Some(product)
}

/// A price table: quantities times unit prices, per row.
pub fn price_table(quantities: Vec<Vec<f64>>, prices: &[f64]) -> (Vec<f64>, usize) {
    let rows = quantities/*@c*/.clone();
    let table = Matrix::from_rows(/*@r*/&rows);
    let column = Matrix::from_rows(&prices.iter().map(|price| vec![*price]).collect::<Vec<_>>());
    let totals = match table.multiply(/*@r*/&column) {
        Ok(result) => result.column(0),
        Err(_) => Vec::new(),
    };
    (totals, quantities.len())
}

/// The larger trace of two matrices.
/*@lt*/pub fn larger_trace<'a>(first: &'a Matrix, second: &'a Matrix) -> &'a Matrix {
    if second.trace() > first.trace() {
        second
    } else {
        first
    }
}

#[cfg(test)]
mod tests {
    use super::{chain, larger_trace, price_table, rows_differ, Matrix};

    #[test]
    fn builds_and_reads() {
        let matrix = Matrix::from_rows(&[vec![1.0, 2.0, 3.0], vec![4.0, 5.0, 6.0]]);
        assert_eq!(matrix.get(1, 2), 6.0);
        assert_eq!(matrix.row(0), vec![1.0, 2.0, 3.0]);
        assert_eq!(matrix.column(1), vec![2.0, 5.0]);
        assert_eq!(matrix.transpose().rows, 3);
        assert_eq!(matrix.row_sums(), vec![6.0, 15.0]);
        assert_eq!(matrix.to_string(), "[1 2 3]\n[4 5 6]\n");
        assert_eq!(matrix.widest(), 3);
        assert!(!matrix.is_square());
    }

    #[test]
    fn arithmetic() {
        let a = Matrix::from_rows(&[vec![1.0, 2.0], vec![3.0, 4.0]]);
        let identity = Matrix::identity(2);
        assert_eq!(a.multiply(&identity).ok(), Some(a.clone()));
        assert_eq!(a.add(&a).ok(), Some(a.scale(2.0)));
        assert_eq!(a.trace(), 5.0);
        assert_eq!(larger_trace(&a, &identity).trace(), 5.0);
        let product = chain(&[a.clone(), a.clone()]).unwrap();
        assert_eq!(product.row(0), vec![7.0, 10.0]);
    }

    #[test]
    fn shape_errors() {
        let a = Matrix::zeros(2, 3);
        let b = Matrix::zeros(3, 3);
        assert!(rows_differ(&a, &b));
        assert!(!rows_differ(&b, &b));
        let error = a.add(&b).unwrap_err();
        assert!(error.is_about_rows());
        assert_eq!(error.message(), "shape mismatch: Rows(2, 3)");
        assert!(a.multiply(&a).is_err());
    }

    #[test]
    fn price_tables() {
        let (totals, rows) = price_table(vec![vec![1.0, 2.0], vec![0.0, 3.0]], &[10.0, 1.5]);
        assert_eq!(totals, vec![13.0, 4.5]);
        assert_eq!(rows, 2);
    }
}

pub mod general_purpose;

use super::files::copy_tree;

#[test]
fn a_failed_copy_says_what_cp_said() {
    let dir = tempfile::tempdir().unwrap();
    let error = copy_tree(&dir.path().join("missing"), &dir.path().join("copy")).unwrap_err();
    let message = error.to_string();
    assert!(message.starts_with("cp -a exited with "), "{message}");
    assert!(message.contains("missing"), "{message}");
    assert!(message.contains("No such file or directory"), "{message}");
}

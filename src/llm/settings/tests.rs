use super::*;

fn env(name: &str) -> Option<String> {
    match name {
        "OPENAI_API_KEY" => Some("sk-default".to_owned()),
        "OTHER_KEY" => Some("sk-other".to_owned()),
        _ => None,
    }
}

fn on() -> LlmFlags {
    LlmFlags {
        enabled: true,
        ..LlmFlags::default()
    }
}

fn table(text: &str) -> toml::Value {
    toml::from_str(text).unwrap()
}

#[test]
fn off_unless_asked() {
    let flags = LlmFlags {
        model: Some("m".to_owned()),
        ..LlmFlags::default()
    };
    assert!(resolve(flags, &[], env).unwrap().is_none());
}

#[test]
fn flags_win_over_the_package_table_which_wins_over_the_workspaces() {
    let flags = LlmFlags {
        model: Some("flag-model".to_owned()),
        ..on()
    };
    let package = table("base-url = \"http://package/v1\"\njobs = 3\n");
    let workspace = table(
        "model = \"ws-model\"\nbase-url = \"http://ws/v1\"\njobs = 2\ntimeout = 9\napi-key-env = \"OTHER_KEY\"\nmax-tokens = 500\n",
    );
    let settings = resolve(flags, &[package, workspace], env).unwrap().unwrap();
    assert_eq!(settings.model, "flag-model");
    assert_eq!(settings.jobs.get(), 3);
    assert_eq!(settings.timeout, Duration::from_secs(9));
    assert_eq!(settings.limits.max_tokens, Some(500));
    assert_eq!(
        settings.source,
        ReplySource::Endpoint {
            base_url: "http://package/v1".to_owned(),
            api_key: "sk-other".to_owned(),
            record: None
        }
    );
}

#[test]
fn defaults_and_invalid_combinations() {
    let with_model = || LlmFlags {
        model: Some("m".to_owned()),
        ..on()
    };
    let settings = resolve(with_model(), &[], env).unwrap().unwrap();
    assert_eq!(settings.jobs.get(), 8);
    assert!(matches!(
        settings.source,
        ReplySource::Endpoint { ref base_url, .. } if base_url == DEFAULT_BASE_URL
    ));
    assert_eq!(resolve(on(), &[], env).unwrap_err(), SettingsError::NoModel);
    let no_key = LlmFlags {
        api_key_env: Some("MISSING".to_owned()),
        ..with_model()
    };
    assert_eq!(
        resolve(no_key, &[], env).unwrap_err(),
        SettingsError::NoKey("MISSING".to_owned())
    );
    // Replay needs no key and no network.
    let replay = LlmFlags {
        api_key_env: Some("MISSING".to_owned()),
        replay: Some(PathBuf::from("r")),
        ..with_model()
    };
    let settings = resolve(replay, &[], env).unwrap().unwrap();
    assert_eq!(settings.source, ReplySource::Replay(PathBuf::from("r")));
    let both = LlmFlags {
        record: Some(PathBuf::from("a")),
        replay: Some(PathBuf::from("b")),
        ..with_model()
    };
    assert_eq!(
        resolve(both, &[], env).unwrap_err(),
        SettingsError::RecordAndReplay
    );
    let cost = LlmFlags {
        max_cost: Some(1.0),
        ..with_model()
    };
    assert_eq!(
        resolve(cost, &[], env).unwrap_err(),
        SettingsError::CostWithoutPrices
    );
    assert!(matches!(
        resolve(with_model(), &[table("jobs = \"many\"")], env),
        Err(SettingsError::Table(_))
    ));
}

#[test]
fn durations_read_as_people_write_them() {
    assert_eq!(duration("90s"), Ok(Duration::from_secs(90)));
    assert_eq!(duration("5m"), Ok(Duration::from_secs(300)));
    assert_eq!(duration("2h"), Ok(Duration::from_secs(7200)));
    assert_eq!(duration("45"), Ok(Duration::from_secs(45)));
    assert!(duration("soon").is_err());
}

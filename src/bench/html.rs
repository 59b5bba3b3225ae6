//! `bench --report PATH.html`: the bench's results as one self-contained page (no script, no
//! link, no font to fetch): the table, the errors left after each round for every fixture, and
//! wall time against the first check's error count for each engine. The charts are SVG drawn by
//! `plotters` into strings and inlined; their labels are SVG `<text>`, which the browser sets in
//! its own sans-serif font (plotters is built without font features, so it needs no system font
//! library and only estimates label widths).

use std::fmt::Write as _;

use plotters::prelude::*;

use super::table::{BenchReport, EngineResult, Tests, why_not_repaired};

/// The page, as well-formed XHTML-compatible HTML (a test parses it as XML).
pub fn render_html(report: &BenchReport) -> String {
    let mut out = String::new();
    out.push_str(
        "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n\
         <meta charset=\"utf-8\"/>\n<title>cargo fix-swarm bench</title>\n<style>\n\
         body { font-family: sans-serif; margin: 2em; color: #222; }\n\
         table { border-collapse: collapse; font-size: 0.9em; }\n\
         th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: right; white-space: nowrap; }\n\
         td.why { white-space: normal; }\n\
         td.name, td.why { text-align: left; }\n\
         tr.below td { background: #fde8e8; }\n\
         figure { margin: 2em 0; }\n</style>\n</head>\n<body>\n",
    );
    let setup = &report.setup;
    let _ = writeln!(
        out,
        "<h1>cargo fix-swarm bench</h1>\n<p>{} · -j {} · gate {} · max rounds {} · {} of {} \
         fixtures repaired</p>",
        escape(&setup.toolchain),
        setup.jobs,
        escape(&setup.gate),
        setup.max_rounds,
        report.totals.repaired,
        report.totals.fixtures
    );
    write_table(&mut out, report);
    for (title, chart) in [
        ("Errors left after each round", rounds_chart(report)),
        (
            "Wall time against the first check's errors",
            time_chart(report),
        ),
    ] {
        let _ = writeln!(out, "<figure>\n<figcaption>{title}</figcaption>");
        match chart {
            Ok(svg) => out.push_str(without_prolog(&svg)),
            Err(error) => {
                let _ = write!(
                    out,
                    "<p>the chart could not be drawn: {}</p>",
                    escape(&error)
                );
            }
        }
        out.push_str("\n</figure>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
}

fn write_table(out: &mut String, report: &BenchReport) {
    let has_baseline = report.baseline_totals.is_some();
    out.push_str("<table>\n<tr><th>fixture</th><th>errors</th><th>green</th><th>tests</th>");
    out.push_str("<th>wall</th><th>rounds</th><th>gate runs</th>");
    if has_baseline {
        out.push_str("<th>cargo fix: errors</th><th>tests</th><th>wall</th>");
    }
    out.push_str("<th>why not repaired</th></tr>\n");
    for fixture in &report.fixtures {
        let class = if fixture.below_expectation() {
            " class=\"below\""
        } else {
            ""
        };
        let swarm = &fixture.swarm;
        let _ = write!(
            out,
            "<tr{class}><td class=\"name\">{}</td>{}<td>{}</td><td>{}</td>",
            escape(&fixture.fixture),
            engine_cells(swarm),
            swarm.rounds,
            swarm.gate_runs
        );
        if has_baseline {
            match &fixture.baseline {
                Some(baseline) => out.push_str(&baseline_cells(baseline)),
                None => out.push_str("<td/><td/><td/>"),
            }
        }
        let why = match (&swarm.failure, fixture.expected_green) {
            (Some(failure), _) => format!("failed: {failure}"),
            (None, true) => why_not_repaired(swarm),
            (None, false) => format!("{} (red by design)", why_not_repaired(swarm)),
        };
        let _ = writeln!(out, "<td class=\"why\">{}</td></tr>", escape(&why));
    }
    out.push_str("</table>\n");
}

fn engine_cells(result: &EngineResult) -> String {
    format!(
        "<td>{} → {}</td><td>{}</td><td>{}</td><td>{:.1} s</td>",
        result.errors_before,
        result.errors_after,
        if result.green { "yes" } else { "no" },
        tests_word(result.tests),
        result.wall_ms as f64 / 1000.0
    )
}

fn baseline_cells(result: &EngineResult) -> String {
    format!(
        "<td>{} → {}</td><td>{}</td><td>{:.1} s</td>",
        result.errors_before,
        result.errors_after,
        tests_word(result.tests),
        result.wall_ms as f64 / 1000.0
    )
}

fn tests_word(tests: Tests) -> &'static str {
    match tests {
        Tests::Pass => "pass",
        Tests::Fail => "FAIL",
        Tests::NotRun => "not run",
    }
}

/// A chart's height in pixels that holds a legend of `entries` lines inside it (plotters draws the
/// legend in the plot area, and a whole bench has about fifty fixtures).
fn height_for_legend(entries: usize) -> u32 {
    const LINE: u32 = 16;
    const AXES_AND_MARGINS: u32 = 120;
    u32::try_from(entries)
        .unwrap_or(u32::MAX)
        .saturating_mul(LINE)
        .saturating_add(AXES_AND_MARGINS)
        .max(480)
}

/// One line per fixture: the first check's errors, then those left after each round.
fn rounds_chart(report: &BenchReport) -> Result<String, String> {
    let rounds = report
        .fixtures
        .iter()
        .map(|f| f.swarm.errors_by_round.len())
        .max()
        .unwrap_or(1)
        .max(2);
    let most = report
        .fixtures
        .iter()
        .flat_map(|f| f.swarm.errors_by_round.iter().copied())
        .max()
        .unwrap_or(1)
        .max(1);
    let mut svg = String::new();
    {
        let size = (900, height_for_legend(report.fixtures.len()));
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(50)
            .build_cartesian_2d(0..rounds - 1, 0..most + most / 10 + 1)
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .x_desc("round (0: the first check)")
            .y_desc("errors left")
            .x_labels(rounds)
            .draw()
            .map_err(|e| e.to_string())?;
        for (at, fixture) in report.fixtures.iter().enumerate() {
            let colour = Palette99::pick(at).to_rgba();
            let points: Vec<(usize, usize)> = fixture
                .swarm
                .errors_by_round
                .iter()
                .copied()
                .enumerate()
                .collect();
            chart
                .draw_series(LineSeries::new(points.clone(), colour.stroke_width(2)))
                .map_err(|e| e.to_string())?
                .label(fixture.fixture.as_str())
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], colour));
            chart
                .draw_series(
                    points
                        .into_iter()
                        .map(|p| Circle::new(p, 3, colour.filled())),
                )
                .map_err(|e| e.to_string())?;
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .draw()
            .map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}

/// A point per fixture and engine: the first check's errors across, the repair's seconds up.
fn time_chart(report: &BenchReport) -> Result<String, String> {
    let seconds = |result: &EngineResult| result.wall_ms as f64 / 1000.0;
    let engines: Vec<(&str, Vec<&EngineResult>)> = [
        (
            "cargo fix-swarm",
            report.fixtures.iter().map(|f| &f.swarm).collect::<Vec<_>>(),
        ),
        (
            "cargo fix --broken-code",
            report
                .fixtures
                .iter()
                .filter_map(|f| f.baseline.as_ref())
                .collect(),
        ),
    ]
    .into_iter()
    .filter(|(_, results)| !results.is_empty())
    .collect();
    let all = engines.iter().flat_map(|(_, results)| results.iter());
    let (most_errors, most_seconds) = all.fold((1usize, 1.0f64), |(e, s), r| {
        (e.max(r.errors_before), s.max(seconds(r)))
    });
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (900, 480)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(50)
            .build_cartesian_2d(0.0..most_errors as f64 * 1.1, 0.0..most_seconds * 1.1)
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .x_desc("errors at the first check")
            .y_desc("wall time (s)")
            .draw()
            .map_err(|e| e.to_string())?;
        for (at, (name, results)) in engines.iter().enumerate() {
            let colour = if at == 0 { BLUE } else { RED }.to_rgba();
            let points: Vec<(f64, f64)> = results
                .iter()
                .map(|r| (r.errors_before as f64, seconds(r)))
                .collect();
            chart
                .draw_series(
                    points
                        .into_iter()
                        .map(|p| Circle::new(p, 4, colour.filled())),
                )
                .map_err(|e| e.to_string())?
                .label(*name)
                .legend(move |(x, y)| Circle::new((x + 8, y), 4, colour.filled()));
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .draw()
            .map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}

/// The SVG element alone: an XML declaration may not stand inside a page.
fn without_prolog(svg: &str) -> &str {
    svg.find("<svg").map_or(svg, |at| &svg[at..])
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::table::{BenchSetup, FixtureResult};

    fn result(errors_by_round: &[usize], tests: Tests, wall_ms: u64) -> EngineResult {
        let after = *errors_by_round.last().unwrap();
        EngineResult {
            errors_before: errors_by_round[0],
            errors_after: after,
            green: after == 0,
            tests,
            wall_ms,
            cargo_ms: wall_ms / 2,
            rounds: errors_by_round.len() - 1,
            gate_runs: 3,
            errors_by_round: errors_by_round.to_vec(),
            failure: None,
            left: Vec::new(),
            model: None,
        }
    }

    fn report() -> BenchReport {
        let fixture = |name: &str, swarm: EngineResult, baseline: EngineResult| FixtureResult {
            fixture: name.to_owned(),
            expected_errors: swarm.errors_before,
            expected_green: true,
            codes: Vec::new(),
            codes_as_expected: true,
            swarm,
            baseline: Some(baseline),
        };
        BenchReport::new(
            BenchSetup {
                jobs: 2,
                gate: "test".to_owned(),
                max_rounds: 8,
                toolchain: "cargo 1.95.0 <x & y>".to_owned(),
            },
            vec![
                fixture(
                    "cascade-import-then-types",
                    result(&[9, 4, 0], Tests::Pass, 8200),
                    result(&[9, 9], Tests::NotRun, 900),
                ),
                fixture(
                    "missing-mut",
                    result(&[3, 1], Tests::NotRun, 2100),
                    result(&[3, 0], Tests::Pass, 700),
                ),
            ],
        )
    }

    #[test]
    fn the_page_is_well_formed_with_the_table_and_two_inline_charts() {
        let page = render_html(&report());
        let document = roxmltree::Document::parse_with_options(
            &page,
            roxmltree::ParsingOptions {
                allow_dtd: true,
                ..roxmltree::ParsingOptions::default()
            },
        )
        .expect("the page is well-formed");
        let named = |name: &str| {
            document
                .descendants()
                .filter(|node| node.tag_name().name() == name)
                .count()
        };
        assert_eq!(named("svg"), 2);
        assert_eq!(named("tr"), 3);
        // Nothing to fetch: no script, link, image or external reference.
        assert_eq!(named("script") + named("link") + named("img"), 0);
        let external = page.replace("http://www.w3.org/", "");
        assert!(!external.contains("http://") && !external.contains("https://"));
        // The fixtures are named in the table and in the rounds chart's legend, as SVG text.
        let texts: Vec<&str> = document
            .descendants()
            .filter(|node| node.tag_name().name() == "text")
            .filter_map(|node| node.text())
            .map(str::trim)
            .collect();
        for name in ["cascade-import-then-types", "missing-mut"] {
            assert!(texts.contains(&name), "{name} not in the chart: {texts:?}");
            assert!(page.contains(&format!("<td class=\"name\">{name}</td>")));
        }
        assert!(texts.contains(&"cargo fix --broken-code"), "{texts:?}");
        assert!(
            texts.iter().any(|text| text.starts_with("round")),
            "{texts:?}"
        );
        // The toolchain is escaped, and the row not repaired is marked.
        assert!(page.contains("cargo 1.95.0 &lt;x &amp; y&gt;"));
        assert!(page.contains("<tr class=\"below\"><td class=\"name\">missing-mut"));
        assert!(page.contains("<td class=\"why\">1 left</td>"), "{page}");
    }

    #[test]
    fn the_rounds_chart_grows_to_hold_a_legend_line_per_fixture() {
        assert_eq!(height_for_legend(3), 480);
        assert_eq!(height_for_legend(50), 50 * 16 + 120);
        assert!(height_for_legend(usize::MAX) > 480);
    }
}

// A report's text: where its numbers come from (command, commit, machine, dates, all read from the store
// so that the same command on the same database writes the same bytes), the methods at equal cost, the
// learning rates each method was tried at, and the figures.
#pragma once

#include <string>
#include <vector>

#include "limuon/report/aggregate.hpp"
#include "limuon/store/store.hpp"

namespace limuon::report {

struct Provenance {
  std::vector<std::string> commits;   // distinct, sorted: the builds that ran the runs
  std::vector<std::string> machines;  // distinct, sorted: "AMD EPYC, 2 cores, OpenBLAS kernel Zen"
  std::string first_date, last_date;  // "2026-12-02": the first start and the last finish
  int judged = 0;                     // finished, diverged or failed
  int unjudged = 0;                   // queued, running or stopped: left out
  // From the curves (add_curve_totals): the judged runs' wall times added up; how many of them recorded
  // their wait for a core, and the largest share of its step time any of them waited.
  double run_seconds = 0;
  int cpu_wait_recorded = 0;
  double max_cpu_wait_share = 0;
};
// From the runs' records (versions_json, started_at, finished_at, status); runs recorded before the
// machine was stored count as "machine not recorded".
Provenance provenance_of(const std::vector<store::RunRecord>& runs);
// Adds the judged curves' wall times and waits for a core to `p`; call it once, with one metric's curves.
void add_curve_totals(Provenance& p, const std::vector<RunCurve>& curves);

struct Figure {
  std::string file;  // relative to the report
  std::string caption;
};

struct MetricSection {
  std::string metric;  // val_loss, val_acc
  std::vector<Method> methods;
  Comparison comparison;
  std::vector<Figure> figures;
};

struct ReportInput {
  std::string title;
  std::string command;  // as typed, to regenerate the report
  Provenance provenance;
  std::vector<MetricSection> sections;
};

std::string render_markdown(const ReportInput& input);

// "validation loss" / "validation accuracy"; the metric's own name for any other.
std::string metric_title(const std::string& metric);
// Compact fixed-format numbers for tables: "2.3456", "0.0123 ± 0.0004", "1.3 MiB"; "n/a" for NaN.
std::string format_value(double v);
std::string format_bytes(double bytes);

}  // namespace limuon::report

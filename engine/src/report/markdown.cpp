#include "limuon/report/markdown.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <sstream>

namespace limuon::report {
namespace {

std::string printf_text(const char* format, double v) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, format, v);
  return buffer;
}

std::string machine_of(const std::string& versions_json) {
  const auto j = nlohmann::json::parse(versions_json, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("cores")) return "machine not recorded";
  std::string cpu = j.value("cpu", "");
  std::string text = (cpu.empty() ? "unknown CPU" : cpu) + ", " + std::to_string(j.value("cores", 0)) + " cores";
  const std::string blas = j.value("blas_core", "");
  return text + (blas.empty() ? ", BLAS not OpenBLAS" : ", OpenBLAS kernel " + blas);
}

std::string commit_of(const std::string& versions_json) {
  const auto j = nlohmann::json::parse(versions_json, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("commit")) return "commit not recorded";
  return j.value("commit", "");
}

std::string join(const std::vector<std::string>& items, const std::string& separator) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : separator) + item;
  return out;
}

std::string limit_text(Basis basis, double limit) {
  if (std::isnan(limit)) return "n/a";
  switch (basis) {
    case Basis::steps:
      return printf_text("%.0f steps", limit);
    case Basis::grad_evals:
      return printf_text("%.0f gradients", limit);
    case Basis::wall_s:
      return printf_text("%.1f s", limit);
  }
  return "";
}

std::string stat_text(const Stat& s) {
  if (s.n == 0) return s.missing ? "none (" + std::to_string(s.missing) + " without a value)" : "n/a";
  std::string text = format_value(s.mean);
  if (!std::isnan(s.std)) text += " ± " + format_value(s.std);
  if (s.missing)
    text += " (" + std::to_string(s.missing) + " of " + std::to_string(s.n + s.missing) + " without a value)";
  return text;
}

// The row with the best mean at a basis; -1 when no row has one.
int best_row(const Comparison& c, size_t basis, bool higher_better) {
  int best = -1;
  for (size_t i = 0; i < c.rows.size(); ++i) {
    const Stat& s = c.rows[i].at[basis];
    if (s.n == 0 || s.missing) continue;  // a method that lost seeds cannot win
    if (best < 0 || (higher_better ? s.mean > c.rows[best].at[basis].mean : s.mean < c.rows[best].at[basis].mean))
      best = static_cast<int>(i);
  }
  return best;
}

std::string lr_text(const std::string& key, double lr) { return key + "=" + printf_text("%g", lr); }

void comparison_table(std::ostringstream& out, const MetricSection& section) {
  const Comparison& c = section.comparison;
  const bool higher = higher_is_better(section.metric);
  bool energy = false;
  for (const auto& row : c.rows) energy |= row.energy_fraction.n > 0;
  out << "| method | best lr | seeds |";
  for (size_t b = 0; b < 3; ++b) out << " at " << limit_text(kBases[b], c.limits[b]) << " |";
  out << " state | peak RSS | step (ms) |" << (energy ? " energy kept |" : "") << "\n";
  out << "|---|---|---|---|---|---|---|---|---|" << (energy ? "---|" : "") << "\n";
  std::array<int, 3> best{};
  for (size_t b = 0; b < 3; ++b) best[b] = best_row(c, b, higher);
  for (size_t i = 0; i < c.rows.size(); ++i) {
    const MethodRow& row = c.rows[i];
    out << "| " << row.label << " | " << lr_text(row.lr_key, row.lr) << (row.lr_at_edge ? " (grid edge)" : row.lr_alone ? " (only lr tried)" : "") << " | "
        << row.run_ids.size() << " |";
    for (size_t b = 0; b < 3; ++b) {
      const std::string cell = stat_text(row.at[b]);
      out << " " << (best[b] == static_cast<int>(i) ? "**" + cell + "**" : cell) << " |";
    }
    out << " " << format_bytes(row.state_bytes.mean) << " | " << format_bytes(row.peak_rss_bytes.mean) << " | "
        << printf_text("%.1f", row.median_step_ms.mean) << " |";
    if (energy) out << " " << (row.energy_fraction.n ? printf_text("%.3f", row.energy_fraction.mean) : "") << " |";
    out << "\n";
  }
}

void verdicts(std::ostringstream& out, const MetricSection& section) {
  const Comparison& c = section.comparison;
  const bool higher = higher_is_better(section.metric);
  for (size_t b = 0; b < 3; ++b) {
    const int best = best_row(c, b, higher);
    out << "- At " << basis_title(kBases[b]) << " (" << limit_text(kBases[b], c.limits[b]) << "): ";
    if (best < 0) {
      out << "no method has a value for every seed.\n";
      continue;
    }
    // The runner-up, and whether the gap is larger than the two spreads together.
    int second = -1;
    for (size_t i = 0; i < c.rows.size(); ++i) {
      const Stat& s = c.rows[i].at[b];
      if (static_cast<int>(i) == best || s.n == 0 || s.missing) continue;
      if (second < 0 || (higher ? s.mean > c.rows[second].at[b].mean : s.mean < c.rows[second].at[b].mean))
        second = static_cast<int>(i);
    }
    const Stat& w = c.rows[best].at[b];
    out << "**" << c.rows[best].label << "** is best (" << stat_text(w) << ")";
    if (second >= 0) {
      const Stat& r = c.rows[second].at[b];
      const double spread = (std::isnan(w.std) ? 0 : w.std) + (std::isnan(r.std) ? 0 : r.std);
      out << "; next " << c.rows[second].label << " (" << stat_text(r) << ")"
          << (std::fabs(w.mean - r.mean) > spread ? ", a gap larger than their spreads"
                                                  : ", within their spreads over seeds");
    }
    out << ".\n";
  }
}

// Runs of one method take the same work per step; when their median steps differ by more than a quarter,
// something else was using the machine (another program, or a heavier run beside it in a sweep's parallel
// jobs), and the wall-time column carries that error.
void step_time_warning(std::ostringstream& out, const MetricSection& section) {
  std::string uneven;
  for (const auto& method : section.methods)
    if (method.max_step_ms > 1.25 * method.min_step_ms)
      uneven += (uneven.empty() ? "" : "; ") + method.label + " " + printf_text("%.0f", method.min_step_ms) + " to " +
                printf_text("%.0f ms", method.max_step_ms);
  if (uneven.empty()) return;
  out << "\n**Uneven step times.** The median step of runs of one method varied (" << uneven
      << "): other work shared the machine while some of them ran (another program, or a heavier run beside "
         "them in the sweep's parallel jobs), so the wall-time column and figure carry that error. Steps and "
         "gradient evaluations do not.\n";
}

// A thread that waits for a core while it steps shares the machine with more work than it has cores (two
// one-thread runs on two cores never wait for each other), so its step times and the wall-time column are
// slower than the machine. A few percent is the scheduler's ordinary noise.
constexpr double kSharedCpuWait = 0.05;

void cpu_wait_warning(std::ostringstream& out, const MetricSection& section) {
  std::string waited;
  for (const auto& method : section.methods)
    if (method.max_cpu_wait_share > kSharedCpuWait)
      waited += (waited.empty() ? "" : "; ") + method.label + " up to " +
                printf_text("%.0f%%", 100 * method.max_cpu_wait_share);
  if (waited.empty()) return;
  out << "\n**Runs waited for a core.** The training threads of some runs were ready to compute but waited for "
         "a free core (" << waited << " of their step time): other work held the cores while they ran (another "
         "program, or more threads than cores), so their step times and the wall-time column are slower than "
         "this machine can do. Steps and gradient evaluations are not affected.\n";
}

void lr_table(std::ostringstream& out, const MetricSection& section) {
  out << "| method | lr | seeds | without a final value | mean final " << metric_title(section.metric) << " |\n";
  out << "|---|---|---|---|---|\n";
  for (const auto& method : section.methods)
    for (size_t i = 0; i < method.lrs.size(); ++i) {
      const LrResult& lr = method.lrs[i];
      const bool won = static_cast<int>(i) == method.best;
      const std::string value = std::isnan(lr.mean_final) ? "n/a" : format_value(lr.mean_final);
      const char* mark = !won                     ? ""
                         : method.best_at_edge()  ? " (chosen, grid edge)"
                         : method.lrs.size() == 1 ? " (chosen, only lr tried)"
                                                  : " (chosen)";
      out << "| " << method.label << " | " << lr_text(method.lr_key, lr.lr) << mark << " | " << lr.run_ids.size()
          << " | " << lr.failed << " | " << (won ? "**" + value + "**" : value) << " |\n";
    }
}

}  // namespace

std::string metric_title(const std::string& metric) {
  if (metric == "val_loss") return "validation loss";
  if (metric == "val_acc") return "validation accuracy";
  return metric;
}

std::string format_value(double v) {
  if (std::isnan(v)) return "n/a";
  const double a = std::fabs(v);
  if (a != 0 && (a < 1e-3 || a >= 1e5)) return printf_text("%.3e", v);
  return printf_text("%.4f", v);
}

std::string format_bytes(double bytes) {
  if (std::isnan(bytes)) return "n/a";
  if (bytes < 1024) return printf_text("%.0f B", bytes);
  if (bytes < 1024.0 * 1024) return printf_text("%.1f KiB", bytes / 1024);
  if (bytes < 1024.0 * 1024 * 1024) return printf_text("%.1f MiB", bytes / (1024.0 * 1024));
  return printf_text("%.2f GiB", bytes / (1024.0 * 1024 * 1024));
}

Provenance provenance_of(const std::vector<store::RunRecord>& runs) {
  Provenance p;
  std::set<std::string> commits, machines;
  for (const auto& r : runs) {
    const bool judged = r.status == "finished" || r.status == "diverged" || r.status == "failed";
    if (!judged) {
      ++p.unjudged;
      continue;
    }
    ++p.judged;
    commits.insert(commit_of(r.versions_json));
    machines.insert(machine_of(r.versions_json));
    const std::string started = r.started_at.substr(0, 10), finished = r.finished_at.substr(0, 10);
    if (!started.empty() && (p.first_date.empty() || started < p.first_date)) p.first_date = started;
    if (!finished.empty() && finished > p.last_date) p.last_date = finished;
  }
  p.commits.assign(commits.begin(), commits.end());
  p.machines.assign(machines.begin(), machines.end());
  return p;
}

void add_curve_totals(Provenance& p, const std::vector<RunCurve>& curves) {
  for (const auto& c : curves) {
    if (!is_judged(c)) continue;
    p.run_seconds += c.end.wall_s;
    if (!c.cpu_wait_share) continue;
    ++p.cpu_wait_recorded;
    p.max_cpu_wait_share = std::max(p.max_cpu_wait_share, *c.cpu_wait_share);
  }
}

std::string render_markdown(const ReportInput& input) {
  std::ostringstream out;
  const Provenance& p = input.provenance;
  out << "# " << input.title << "\n\n";
  out << "Written by `" << input.command << "`; rerun it on the same database to get these bytes again.\n\n";
  out << "- Runs: " << p.judged << " judged (finished, diverged or failed)";
  if (p.unjudged) out << "; " << p.unjudged << " not finished yet (queued, running or stopped), left out";
  out << ".\n";
  out << "- Measured: " << (p.first_date.empty() ? "n/a" : p.first_date)
      << (p.last_date.empty() || p.last_date == p.first_date ? "" : " to " + p.last_date) << ".\n";
  if (p.run_seconds > 0)
    out << "- Run time: " << printf_text("%.1f", p.run_seconds / 3600) << " h, the runs' wall times added up (runs in "
        << "parallel overlap).\n";
  out << "- Waiting for a core: ";
  if (p.cpu_wait_recorded == 0)
    out << "not recorded by these runs' builds, so this report cannot tell whether other programs shared the "
           "machine.\n";
  else
    out << "recorded by " << p.cpu_wait_recorded << " of " << p.judged << " runs; the most any run's training "
        << "thread waited was " << printf_text("%.1f%%", 100 * p.max_cpu_wait_share) << " of its step time.\n";
  out << "- Machine: " << (p.machines.empty() ? "n/a" : join(p.machines, "; ")) << ".\n";
  out << "- Commit: " << (p.commits.empty() ? "n/a" : join(p.commits, ", ")) << ".\n";
  out << "- Each method (every setting but the learning rate and the seed) is shown at the learning rate that "
         "won on its own grid: fewest runs without a final value, then the best mean final value over seeds; "
         "\"grid edge\" marks a winner that is the smallest or largest lr tried, whose optimum may lie outside the "
         "grid; \"only lr tried\" a method run at a single lr, which this report did not choose. Values are means ± sample standard deviations over the seeds, read at the point every compared run "
         "reached, interpolated linearly between evaluations. State, peak RSS and step time are means over the "
         "seeds (step time: the median step of each run; peak RSS: the process's resident memory while the run "
         "trained, and a sweep's runs share a process, so it is an upper bound).\n";
  for (const auto& section : input.sections) {
    const std::string title = metric_title(section.metric);
    out << "\n## " << char(std::toupper(title[0])) << title.substr(1) << " ("
        << (higher_is_better(section.metric) ? "higher" : "lower") << " is better)\n\n";
    comparison_table(out, section);
    out << "\n";
    verdicts(out, section);
    step_time_warning(out, section);
    cpu_wait_warning(out, section);
    for (const auto& figure : section.figures)
      out << "\n![" << figure.caption << "](" << figure.file << ")\n\n*" << figure.caption << "*\n";
    out << "\n### Learning rates tried\n\n";
    lr_table(out, section);
  }
  return out.str();
}

}  // namespace limuon::report

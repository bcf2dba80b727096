// `limuon-lab bench memory`: optimizer state bytes and peak resident memory of every optimizer mode on
// the DistilGPT2 and vit-tiny shapes. Each case trains in a child process of its own (this program,
// re-run as `bench memory-case`), because a process's peak resident memory never comes back down.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <ostream>
#include <sstream>

#include "cli/args.hpp"
#include "cli/bench_provenance.hpp"
#include "cli/commands.hpp"
#include "cli/report_figures.hpp"
#include "gui/plot/svg_chart.hpp"
#include "limuon/bench/memory_bench.hpp"
#include "limuon/models/model.hpp"
#include "limuon/report/markdown.hpp"
#include "limuon/train/config_string.hpp"

namespace limuon::cli::detail {
namespace {

struct Row {
  std::string model, label;
  bench::MemoryResult result;
};

// Runs `limuon-lab bench memory-case CONFIG` and reads its one result line; the child's stderr passes through.
bench::MemoryResult run_case(const train::RunConfig& config) {
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) throw std::runtime_error("cannot create a pipe for the child process");
  const std::string config_string = train::to_config_string(config);
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("cannot start a child process");
  if (pid == 0) {
    dup2(pipe_fds[1], STDOUT_FILENO);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    const char* argv[] = {"limuon-lab", "bench", "memory-case", config_string.c_str(), nullptr};
    execv("/proc/self/exe", const_cast<char* const*>(argv));
    _exit(127);
  }
  close(pipe_fds[1]);
  std::string text;
  char buffer[256];
  for (ssize_t n; (n = read(pipe_fds[0], buffer, sizeof buffer)) > 0;) text.append(buffer, static_cast<size_t>(n));
  close(pipe_fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw std::runtime_error("the child measuring '" + config_string + "' failed (see its message above)");
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return bench::from_line(text.substr(text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1));
}

// LiMuon option #2's state over its rank, as a share of Muon's, one line per model: the figure of the
// memory experiment, drawn by the window's plot code.
std::string state_figure(const std::vector<Row>& rows, const std::vector<std::string>& models) {
  gui::plot::ChartSpec chart;
  chart.title = "LiMuon low-rank state as a share of Muon's";
  chart.x_label = "rank r (log scale)";
  chart.y_label = "state / Muon's state";
  chart.x_scale = gui::plot::Scale::log10;
  chart.y_scale = gui::plot::Scale::log10;
  chart.width = 760;
  chart.height = 420;
  // Room above Muon's line for the legend, and down to rank 1 on a small model's share.
  chart.y_range = gui::plot::Range{0.01, 4};
  gui::plot::ChartLine muon_line;
  muon_line.label = "Muon (dense momentum) = 1";
  muon_line.colour = static_cast<int>(models.size());
  muon_line.dashed = true;
  muon_line.xs = {1, 16};
  muon_line.ys = {1, 1};
  chart.lines.push_back(muon_line);
  for (size_t m = 0; m < models.size(); ++m) {
    double muon = 0;
    for (const auto& r : rows)
      if (r.model == models[m] && r.label == "muon") muon = static_cast<double>(r.result.state_bytes);
    gui::plot::ChartLine line;
    line.label = models[m];
    line.colour = static_cast<int>(m);
    for (const auto& c : bench::memory_cases(models[m], 1))
      if (c.config.polar == "lowrank" && muon > 0)
        for (const auto& r : rows)
          if (r.model == models[m] && r.label == c.label) {
            line.xs.push_back(static_cast<double>(c.config.rank));
            line.ys.push_back(static_cast<double>(r.result.state_bytes) / muon);
          }
    chart.lines.push_back(std::move(line));
  }
  return gui::plot::svg_line_chart(chart);
}

// Step times are left out: the sweeps measure them under steadier conditions.
std::string table(const std::vector<Row>& rows) {
  std::ostringstream out;
  out << "| model | optimizer | state | state / Muon's | peak RSS |\n";
  out << "|---|---|---|---|---|\n";
  for (const auto& row : rows) {
    double muon = 0;
    for (const auto& r : rows)
      if (r.model == row.model && r.label == "muon") muon = static_cast<double>(r.result.state_bytes);
    char ratio[32] = "n/a";
    if (muon > 0) std::snprintf(ratio, sizeof ratio, "%.4f", static_cast<double>(row.result.state_bytes) / muon);
    out << "| " << row.model << " | " << row.label << " | " << report::format_bytes(double(row.result.state_bytes))
        << " | " << ratio << " | " << report::format_bytes(row.result.peak_rss_bytes) << " |\n";
  }
  return out.str();
}

}  // namespace

int bench_memory_case(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (args.size() != 1) throw UsageError("'bench memory-case' takes one config string (bench memory runs it)");
  out << bench::to_line(bench::measure_in_this_process(train::from_config_string(args[0]))) << "\n";
  return kExitOk;
}

int bench_memory(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::vector<std::string> models = {"gpt:distilgpt2", "vit:vit-tiny"};
  int64_t steps = 3;
  std::string out_dir;
  for (ArgCursor a(args); a.next();) {
    if (a.flag() == "--model")
      models = {a.value()};
    else if (a.flag() == "--steps")
      steps = parse_int("--steps", a.value(), 1, 1000);
    else if (a.flag() == "--out")
      out_dir = a.value();
    else
      throw UsageError("unknown option '" + a.flag() + "' for 'bench memory'");
  }
  for (const auto& m : models) {  // a bad name stops here, before any child starts
    try {
      models::parse_model_spec(m);
    } catch (const std::invalid_argument& e) {
      throw UsageError(std::string("--model: ") + e.what());
    }
  }
  out << "Optimizer state and peak resident memory, " << steps
      << " steps of batch 1 on one thread, each case in a fresh process\n";
  std::vector<Row> rows;
  for (const auto& model : models)
    for (const auto& c : bench::memory_cases(model, steps)) {
      rows.push_back({model, c.label, run_case(c.config)});
      out << "  " << model << "  " << c.label << ": state "
          << report::format_bytes(double(rows.back().result.state_bytes)) << ", peak RSS "
          << report::format_bytes(rows.back().result.peak_rss_bytes) << ", " << rows.back().result.seconds << " s\n"
          << std::flush;
    }
  const std::string text = table(rows);
  out << "\n" << text;
  if (!out_dir.empty()) {
    std::filesystem::create_directories(out_dir);
    std::ostringstream md;
    md << "# Memory of each optimizer mode at scale\n\n" << written_by("memory", args) << "\n\n";
    for (const auto& model : models) {
      const auto built = models::build_model(models::parse_model_spec(model), 0);
      md << "- " << model << ": " << built.parameter_count() << " parameters ("
         << report::format_bytes(4.0 * double(built.parameter_count())) << " in fp32).\n";
    }
    md << "- State: the optimizer's persistent tensors after the last step, counted exactly. Peak RSS: the "
          "process's high-water mark (model, gradients, activations, data and the optimizer's temporaries "
          "included), one fresh process per row.\n\n"
       << text;
    md << "\n![LiMuon low-rank state as a share of Muon's, against the rank](state-vs-rank.svg)\n";
    write_file(std::filesystem::path(out_dir) / "state-vs-rank.svg", state_figure(rows, models));
    write_file(std::filesystem::path(out_dir) / "report.md", md.str());
    out << "wrote " << (std::filesystem::path(out_dir) / "report.md").string() << "\n";
  }
  return kExitOk;
}

}  // namespace limuon::cli::detail

// `limuon-lab bench steps`: the wall time of a training step of every optimizer mode on one model,
// the modes taking turns in one process, round after round. The experiments' equal-time columns are
// measured beside other runs; this gives the ratios a quieter machine sees.
#include <filesystem>
#include <ostream>
#include <sstream>

#include "cli/args.hpp"
#include "cli/bench_provenance.hpp"
#include "cli/commands.hpp"
#include "cli/report_figures.hpp"
#include "limuon/bench/step_bench.hpp"
#include "limuon/models/model.hpp"

namespace limuon::cli::detail {

int bench_steps(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::string model = "gpt:classroom", out_dir;
  int64_t batch = 16, steps = 30, warmup = 5;
  int rounds = 3, threads = 1;
  for (ArgCursor a(args); a.next();) {
    if (a.flag() == "--model") model = a.value();
    else if (a.flag() == "--batch") batch = parse_int("--batch", a.value(), 1, 4096);
    else if (a.flag() == "--steps") steps = parse_int("--steps", a.value(), 1, 100000);
    else if (a.flag() == "--warmup") warmup = parse_int("--warmup", a.value(), 0, 1000);
    else if (a.flag() == "--rounds") rounds = parse_int("--rounds", a.value(), 1, 100);
    else if (a.flag() == "--threads") threads = parse_int("--threads", a.value(), 1, 1024);
    else if (a.flag() == "--out") out_dir = a.value();
    else throw UsageError("unknown option '" + a.flag() + "' for 'bench steps'");
  }
  try {  // a bad name stops here, before anything trains
    models::parse_model_spec(model);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--model: ") + e.what());
  }
  const auto cases = bench::step_cases(model, batch, warmup, steps, threads);
  for (const auto& c : cases) c.config.validate();  // e.g. a batch the model's data cannot give

  std::ostringstream about;
  about << model << ", batch " << batch << ", " << threads << " thread(s): the median of " << steps
        << " timed steps after " << warmup << " warm-up steps, each mode once per round, " << rounds
        << " rounds; the best round counts. A step is the forward, the backward (two for LiMuon) and the update.";
  out << about.str() << "\n" << std::flush;
  const auto rows = bench::run_step_bench(cases, warmup, rounds, [&](const std::string& label, int round, double ms) {
    out << "  round " << round << "  " << label << ": " << ms << " ms\n" << std::flush;
  });
  const std::string table = bench::format_step_table(rows);
  out << "\n" << table;
  if (!out_dir.empty()) {
    std::filesystem::create_directories(out_dir);
    const auto path = std::filesystem::path(out_dir) / "report.md";
    write_file(path, "# Step time of each optimizer mode\n\n" + written_by("steps", args) + "\n\n" + about.str() +
                         " The first row is the reference of the ratio column.\n\n" + table);
    out << "wrote " << path.string() << "\n";
  }
  return kExitOk;
}

}  // namespace limuon::cli::detail

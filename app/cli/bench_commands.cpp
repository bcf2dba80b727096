// limuon-lab bench optim | bench store
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "args.hpp"
#include "commands.hpp"
#include "limuon/bench/store_bench.hpp"
#include "limuon/bench/optim_bench.hpp"
#include "limuon/bench/train_bench.hpp"
#include "limuon/store/store.hpp"

namespace limuon::cli::detail {
namespace {

std::vector<int> parse_threads(const std::string& text) {
  std::vector<int> threads;
  std::stringstream list(text);
  std::string item;
  while (std::getline(list, item, ',')) threads.push_back(parse_int("--threads", item, 0, 1024));
  if (threads.empty()) throw UsageError("--threads needs a comma-separated list such as 1,0 (0 = all cores)");
  return threads;
}

}  // namespace

int bench_optim(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  bench::OptimBenchConfig config;
  std::string json_path;
  for (ArgCursor a(args); a.next();) {
    if (a.flag() == "--json") json_path = a.value();
    else if (a.flag() == "--rank") config.rank = parse_int("--rank", a.value(), 1, 128);
    else if (a.flag() == "--threads") config.threads = parse_threads(a.value());
    else if (a.flag() == "--quick") {
      config.min_samples = 1;
      config.max_samples = 3;
      config.seconds_per_case = 0.2;
    } else if (a.flag() == "--small") config.shapes = {{128, 128}, {128, 512}};
    else throw UsageError("unknown option '" + a.flag() + "' for 'bench optim'");
  }
  out << "Optimizer step time without forward/backward (median), fp32 CPU, rank " << config.rank
      << "; ratios are against Muon (Newton-Schulz) and LibTorch AdamW measured in this run.\n";
  const auto rows = bench::run_optim_bench(config, [&](const bench::OptimBenchRow& r) {
    out << "  " << r.rows << "x" << r.cols << " threads " << r.threads << "  " << r.optimizer << ": " << r.median_ms
        << " ms\n"
        << std::flush;
  });
  out << "\n" << bench::format_table(rows);
  if (!json_path.empty()) {
    std::ofstream file(json_path);
    if (!(file << bench::format_json(rows))) {
      err << "limuon-lab: cannot write " << json_path << "\n";
      return 1;
    }
    out << "wrote " << json_path << "\n";
  }
  return 0;
}

int bench_train(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  bench::TrainBenchConfig config;
  for (ArgCursor a(args); a.next();) {
    if (a.flag() == "--model") {
      config.model = a.value();  // gpt:classroom, as `train` writes it, or plain classroom
      if (config.model.rfind("gpt:", 0) == 0) config.model = config.model.substr(4);
    } else if (a.flag() == "--batch") config.batch = parse_int("--batch", a.value(), 1, 4096);
    else if (a.flag() == "--steps") config.steps = parse_int("--steps", a.value(), 1, 100000);
    else if (a.flag() == "--threads") config.threads = parse_int("--threads", a.value(), 1, 1024);
    else if (a.flag() == "--python") config.python = a.value();
    else throw UsageError("unknown option '" + a.flag() + "' for 'bench train'");
  }
  if (config.model != "classroom" && config.model != "small")
    throw UsageError("--model = '" + config.model + "' must be gpt:classroom or gpt:small");
  const auto r = bench::run_train_bench(config);
  out << "gpt:" << config.model << ", AdamW, batch " << config.batch << ", " << config.threads << " thread(s), "
      << config.steps << " timed steps, best of " << config.rounds << " rounds; OpenBLAS kernels here: "
      << (r.blas_core.empty() ? "(not OpenBLAS)" : r.blas_core) << "\n"
      << "  C++ engine: " << static_cast<int64_t>(r.cpp_tokens_per_s) << " tokens/s\n";
  if (!r.python_error.empty()) {
    err << "limuon-lab: " << r.python_error << "\n";
    return 1;
  }
  for (const auto& p : r.python)
    out << "  " << p.label << ": " << static_cast<int64_t>(p.tokens_per_s) << " tokens/s, engine "
        << r.cpp_tokens_per_s / p.tokens_per_s << "x\n";
  return 0;
}

// Insert throughput of metric rows (batched as the trainer batches them) and the time to read one
// run's loss series back, on a fresh database file.
int bench_runs_browser(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  int runs = 10'000, points = 50;
  std::string dir = std::filesystem::temp_directory_path().string();
  for (ArgCursor a(args); a.next();) {
    if (a.flag() == "--runs") runs = parse_int("--runs", a.value(), 10, 1'000'000);
    else if (a.flag() == "--points") points = parse_int("--points", a.value(), 1, 10'000);
    else if (a.flag() == "--dir") dir = a.value();
    else throw UsageError("unknown option '" + a.flag() + "' for 'bench runs-browser'");
  }
  out << bench::bench_runs_browser(dir, runs, points).report();
  return 0;
}

int bench_store(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  int64_t rows = 1'000'000, batch = 2'000, series_points = 100'000;
  std::string path = (std::filesystem::temp_directory_path() / "limuon-bench-store.db").string();
  for (ArgCursor a(args); a.next();) {
    if (a.flag() == "--rows") rows = parse_int("--rows", a.value(), 1000, 100'000'000);
    else if (a.flag() == "--db") path = a.value();
    else throw UsageError("unknown option '" + a.flag() + "' for 'bench store'");
  }
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  using Clock = std::chrono::steady_clock;
  store::Store db(path);
  const int64_t run = db.create_run("bench", "{}", std::nullopt);
  const char* names[] = {"train_loss", "lr", "step_ms", "grad_evals", "samples", "grad_norm/matrices",
                         "grad_norm/others", "update_norm", "val_loss", "state_bytes"};
  const auto started = Clock::now();
  int64_t written = 0, step = 0;
  while (written < rows) {
    std::vector<train::MetricPoint> points;
    points.reserve(static_cast<size_t>(batch));
    for (; static_cast<int64_t>(points.size()) < batch; ++step)
      for (const char* name : names) points.push_back({step, double(step) * 1e-3, name, 1.0 / double(step + 1)});
    db.append_metrics(run, points);
    written += static_cast<int64_t>(points.size());
  }
  const double insert_s = std::chrono::duration<double>(Clock::now() - started).count();

  const int64_t read_run = db.create_run("series", "{}", std::nullopt);
  std::vector<train::MetricPoint> series;
  for (int64_t s = 0; s < series_points; ++s) series.push_back({s, double(s), "train_loss", 1.0 / double(s + 1)});
  db.append_metrics(read_run, series);
  std::vector<double> reads;
  for (int k = 0; k < 7; ++k) {
    const auto t0 = Clock::now();
    const auto points = db.series(read_run, "train_loss");
    reads.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    if (static_cast<int64_t>(points.size()) != series_points) {
      err << "limuon-lab: read back " << points.size() << " points, expected " << series_points << "\n";
      return 1;
    }
  }
  std::sort(reads.begin(), reads.end());
  out << "store insert: " << written << " metric rows in " << insert_s << " s = "
      << static_cast<int64_t>(double(written) / insert_s) << " rows/s (batches of " << batch << ", WAL, one run)\n"
      << "store read: " << series_points << "-point loss series in " << reads[reads.size() / 2]
      << " ms (median of " << reads.size() << ")\n"
      << "integrity: " << db.integrity_check() << "  file: " << path << "\n";
  return 0;
}

}  // namespace limuon::cli::detail

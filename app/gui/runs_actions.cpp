// The runs browser's row actions (right-click a run's name): rename, note, re-run, fork, copy its config
// string, export, delete. Every change to the database and every file written goes through the reader's
// worker; the popups only gather what the user wants.
#include <imgui.h>
#include <imgui_stdlib.h>

#include <filesystem>

#include "gui/app.hpp"
#include "limuon/store/export.hpp"
#include "limuon/sweep/run_lock.hpp"
#include "limuon/train/config_string.hpp"
#include "limuon/train/fork.hpp"
#include "limuon/train/settings.hpp"

namespace limuon::gui {

namespace {

constexpr const char* kRenamePopup = "Rename run";
constexpr const char* kNotePopup = "Note on run";
constexpr const char* kDeletePopup = "Delete run?";
constexpr const char* kForkPopup = "Fork run";

const char* g_popup_to_open = nullptr;  // set inside a row (its own ID scope), opened at the table's level

// The settings a branch may change, as fields of the fork dialog.
void fork_fields(train::RunConfig& c) {
  const char* optimizers[] = {"limuon", "muon", "adamw"};
  int chosen = c.optimizer == "muon" ? 1 : c.optimizer == "adamw" ? 2 : 0;
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 10);
  if (ImGui::Combo("optimizer", &chosen, optimizers, IM_ARRAYSIZE(optimizers))) c.optimizer = optimizers[chosen];
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 10);
  if (c.optimizer == "adamw") {
    ImGui::InputDouble("adamw_lr", &c.adamw_lr, 0, 0, "%.6g");
    return;
  }
  ImGui::InputDouble("lr", &c.lr, 0, 0, "%.6g");
  if (c.optimizer == "limuon") {
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 10);
    ImGui::InputDouble("beta", &c.beta, 0, 0, "%.6g");
    int rank = static_cast<int>(c.rank);
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 10);
    if (ImGui::InputInt("rank", &rank)) c.rank = std::max(0, rank);
  } else {
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 10);
    ImGui::InputDouble("momentum", &c.momentum, 0, 0, "%.6g");
  }
}

// The engine's verdict on a branch's settings: empty when they can run.
std::string fork_problem(const train::RunConfig& parent, const train::RunConfig& branch) {
  try {
    const train::RunConfig c = train::without_ignored_settings(branch);
    c.validate();
    train::check_fork_settings(parent, c);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

}  // namespace

void App::draw_run_row_menu(const RunRow& row) {
  const int64_t id = row.record.id;
  const bool active = session_.status().active;
  if (ImGui::MenuItem("Rename...")) {
    edit_run_ = id;
    edit_kind_ = 1;
    edit_text_ = row.record.name;
    g_popup_to_open = kRenamePopup;
  }
  if (ImGui::MenuItem("Note...")) {
    edit_run_ = id;
    edit_kind_ = 2;
    edit_text_ = row.record.note;
    g_popup_to_open = kNotePopup;
  }
  ImGui::Separator();
  if (ImGui::MenuItem("Re-run with these settings", nullptr, false, !active && row.config_readable)) rerun(row.config);
  if (ImGui::MenuItem("Fork from a checkpoint...", nullptr, false, !active && row.config_readable)) open_fork(id);
  if (ImGui::MenuItem("Copy its config string", nullptr, false, row.config_readable))
    ImGui::SetClipboardText(train::to_config_string(row.config).c_str());
  if (ImGui::MenuItem("Export CSV and JSON")) {
    const std::string stem = export_path("run-" + std::to_string(id), "");
    reader_.request_edit(
        settings_.db_path,
        [id, stem](store::Store& db) {
          std::filesystem::create_directories(std::filesystem::path(stem).parent_path());
          const auto run = db.run(id);
          if (!run) throw std::runtime_error("run " + std::to_string(id) + " is no longer in the database");
          store::export_run_csv(db, *run, stem + ".csv");
          store::export_run_json(db, *run, stem + ".json");
        },
        "exported run " + std::to_string(id) + " to " + stem + ".csv and .json", /*writes=*/false);
  }
  ImGui::Separator();
  if (ImGui::MenuItem("Delete...", nullptr, false, !(id == live_run_id_ && active))) {
    delete_run_ = id;
    edit_text_ = row.record.name;
    g_popup_to_open = kDeletePopup;
  }
}

void App::open_fork(int64_t parent_id) {
  const RunRow* parent = nullptr;
  for (const auto& row : run_list_.rows)
    if (row.record.id == parent_id) parent = &row;
  if (parent == nullptr || !parent->config_readable) {
    post_message("run " + std::to_string(parent_id) + " cannot be forked: it is not in the list", true);
    return;
  }
  fork_parent_ = parent_id;
  fork_config_ = parent->config;
  fork_steps_.clear();
  fork_step_index_ = -1;
  fork_steps_read_ = false;
  fork_checked_json_.clear();
  reader_.request_fork_steps(settings_.db_path, parent_id);
  g_popup_to_open = kForkPopup;
}

bool App::fork_run(int64_t parent_id, int64_t step, const std::vector<std::pair<std::string, std::string>>& changes) {
  open_fork(parent_id);
  if (fork_parent_ != parent_id) return false;  // not listed: open_fork said so
  try {
    for (const auto& [key, value] : changes) fork_config_.set(key, value, "fork");
  } catch (const std::exception& e) {
    post_message(std::string("cannot fork: ") + e.what(), true);
    return false;
  }
  fork_steps_ = {step};
  fork_step_index_ = 0;
  g_popup_to_open = nullptr;  // started at once, as if the dialog's button were pressed
  return start_fork();
}

bool App::start_fork() {
  if (fork_parent_ == 0 || fork_step_index_ < 0 || fork_step_index_ >= static_cast<int>(fork_steps_.size()))
    return false;
  train::RunConfig config = train::without_ignored_settings(fork_config_);
  const int64_t step = fork_steps_[static_cast<size_t>(fork_step_index_)];
  config.name = "fork of " + std::to_string(fork_parent_) + " at " + std::to_string(step) + ": " + config.summary();
  if (!session_.start_fork(config, settings_.db_path, fork_parent_, step)) {
    post_message("cannot fork now: a run is active", true);
    return false;
  }
  live_run_id_ = 0;
  set_overlay(fork_parent_, true);  // the branch continues the parent's curve
  post_message("starting " + config.name);
  fork_parent_ = 0;
  return true;
}

void App::draw_run_popups() {
  if (g_popup_to_open != nullptr) {
    ImGui::OpenPopup(g_popup_to_open);
    g_popup_to_open = nullptr;
  }
  const ImGuiWindowFlags modal = ImGuiWindowFlags_AlwaysAutoResize;
  for (const char* title : {kRenamePopup, kNotePopup}) {
    if (!ImGui::BeginPopupModal(title, nullptr, modal)) continue;
    const bool rename = title == kRenamePopup;
    if (ImGui::IsWindowAppearing()) ImGui::SetKeyboardFocusHere();
    const bool entered =
        rename ? ImGui::InputText("##name", &edit_text_, ImGuiInputTextFlags_EnterReturnsTrue)
               : ImGui::InputTextMultiline("##note", &edit_text_, {ImGui::GetFontSize() * 28, ImGui::GetFontSize() * 6});
    if (ImGui::Button("Save") || entered) {
      const int64_t id = edit_run_;
      const std::string text = edit_text_;
      if (rename)
        reader_.request_edit(settings_.db_path, [id, text](store::Store& db) { db.rename_run(id, text); },
                             "run " + std::to_string(id) + " renamed");
      else
        reader_.request_edit(settings_.db_path, [id, text](store::Store& db) { db.set_note(id, text); },
                             "note on run " + std::to_string(id) + " saved");
      if (RunData* r = rename ? find_run(id) : nullptr) r->name = text;
      ImGui::CloseCurrentPopup();
    }
    ImGui::SameLine();
    if (ImGui::Button("Cancel") || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
  }
  if (ImGui::BeginPopupModal(kDeletePopup, nullptr, modal)) {
    ImGui::Text("Delete run %lld, \"%s\", with all its metrics and spectra?", static_cast<long long>(delete_run_),
                edit_text_.c_str());
    ImGui::TextDisabled("Nothing else is deleted: its sweep, its branches and every other run stay.");
    if (ImGui::Button("Delete")) {
      const int64_t id = delete_run_;
      set_overlay(id, false);
      const std::string root = settings_.db_path + ".checkpoints";
      reader_.request_edit(
          settings_.db_path,
          [id, root](store::Store& db) {
            db.delete_run(id);  // refused while it runs: then its checkpoints stay too
            std::error_code ec;
            std::filesystem::remove_all(root + "/run-" + std::to_string(id), ec);
            std::filesystem::remove(sweep::RunLock::path_for(root, id), ec);
          },
          "run " + std::to_string(id) + " deleted");
      ImGui::CloseCurrentPopup();
    }
    ImGui::SameLine();
    if (ImGui::Button("Keep it") || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
  }
  if (ImGui::BeginPopupModal(kForkPopup, nullptr, modal)) {
    const RunRow* parent = nullptr;
    for (const auto& row : run_list_.rows)
      if (row.record.id == fork_parent_) parent = &row;
    ImGui::Text("A branch of run %lld from one of its checkpoints: the same weights and batches,", static_cast<long long>(fork_parent_));
    ImGui::Text("with the settings below from that step on.");
    std::string problem = parent ? "" : "the run is no longer in the list";
    if (!fork_steps_read_) {
      ImGui::TextDisabled("reading its checkpoints...");
    } else if (fork_steps_.empty()) {
      problem = "this run kept no checkpoints (runs keep one every checkpoint_every steps)";
    } else {
      ImGui::SetNextItemWidth(ImGui::GetFontSize() * 10);
      const std::string current = std::to_string(fork_steps_[static_cast<size_t>(std::max(0, fork_step_index_))]);
      if (ImGui::BeginCombo("at step", current.c_str())) {
        for (int i = 0; i < static_cast<int>(fork_steps_.size()); ++i)
          if (ImGui::Selectable(std::to_string(fork_steps_[static_cast<size_t>(i)]).c_str(), i == fork_step_index_))
            fork_step_index_ = i;
        ImGui::EndCombo();
      }
    }
    fork_fields(fork_config_);
    if (problem.empty() && parent) {
      // Validating a LiMuon rank builds the model: only when a field changed, never every frame.
      const std::string json = fork_config_.to_json();
      if (json != fork_checked_json_) {
        fork_checked_json_ = json;
        fork_problem_ = fork_problem(parent->config, fork_config_);
      }
      problem = fork_problem_;
    }
    if (!problem.empty()) {
      ImGui::PushTextWrapPos(ImGui::GetFontSize() * 30);
      ImGui::TextColored({1, 0.45f, 0.4f, 1}, "%s", problem.c_str());
      ImGui::PopTextWrapPos();
    }
    ImGui::BeginDisabled(!problem.empty() || !fork_steps_read_ || session_.status().active);
    if (ImGui::Button("Start the branch")) {
      start_fork();
      ImGui::CloseCurrentPopup();
    }
    ImGui::EndDisabled();
    ImGui::SameLine();
    if (ImGui::Button("Cancel") || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) {
      fork_parent_ = 0;
      ImGui::CloseCurrentPopup();
    }
    ImGui::EndPopup();
  }
}

}  // namespace limuon::gui

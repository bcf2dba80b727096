// The top bar (which database) and the runs browser: the open database's runs with their settings, status
// and final losses, filtered (text, status, optimizer, key=value settings) and sorted by the database; tick a
// run to overlay it in every plot, resume a stopped one, right-click a name for the rest (runs_actions.cpp).
// The list is read by the StoreReader's worker; this file only draws it.
#include <imgui.h>
#include <imgui_stdlib.h>

#include <cmath>
#include <sstream>

#include "gui/app.hpp"
#include "gui/plot/colours.hpp"
#include "gui/theme.hpp"
#include "limuon/train/settings.hpp"

namespace limuon::gui {

namespace {

std::string key_settings(const RunRow& row) {
  if (!row.config_readable) return "(settings from a newer build)";
  const auto& c = row.config;
  std::string s = c.model;
  if (c.optimizer == "limuon") s += "  rank " + std::to_string(c.rank) + "  beta " + train::format_number(c.beta);
  if (c.optimizer == "muon") s += "  momentum " + train::format_number(c.momentum);
  s += "  lr " + train::format_number(c.optimizer == "adamw" ? c.adamw_lr : c.lr);
  return s;
}

std::string fork_origin(const store::RunRecord& r) {
  if (!r.fork_step) return "";
  return "a branch of run " + (r.parent_run_id ? std::to_string(*r.parent_run_id) : std::string("(deleted)")) +
         " at step " + std::to_string(*r.fork_step);
}

void loss_cell(double v) {
  if (std::isfinite(v)) ImGui::Text("%.4f", v);
  else ImGui::TextDisabled("--");
}

}  // namespace

void App::draw_top_bar() {
  ImGui::AlignTextToFramePadding();
  ImGui::PushFont(title_font());
  ImGui::TextColored({0.55f, 0.75f, 1.0f, 1}, "LiMuon Lab");
  ImGui::PopFont();
  ImGui::SameLine(0, 20);
  ImGui::TextUnformatted("database");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(420);
  const bool entered = ImGui::InputText("##db", &db_field_, ImGuiInputTextFlags_EnterReturnsTrue);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("A LiMuon Lab database (the same file `limuon-lab train --db` writes).\nA new path creates it on the first run.");
  ImGui::SameLine();
  if (ImGui::Button("Open") || entered) open_database(db_field_);
  ImGui::SameLine();
  if (ImGui::Button("Refresh")) refresh_list();
  const LiveStatus st = session_.status();
  if (st.active) {
    char line[160];
    std::snprintf(line, sizeof line, "run %lld %s  step %lld/%lld  %.2f steps/s", static_cast<long long>(st.run_id),
                  train::to_string(st.state), static_cast<long long>(st.step), static_cast<long long>(st.total_steps),
                  st.steps_per_s);
    ImGui::SameLine(std::max(ImGui::GetCursorPosX() + 20, ImGui::GetWindowWidth() - ImGui::CalcTextSize(line).x - 16));
    ImGui::TextUnformatted(line);
  }
}

void App::draw_runs_filters() {
  // Each change asks the reader again; the list on screen stays until the new one arrives.
  bool changed = false;
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 14);
  changed |= ImGui::InputTextWithHint("##filter_text", "search name, note, settings", &filter_text_);
  ImGui::SameLine();
  const char* statuses[] = {"any status", "finished", "stopped", "diverged", "failed", "running", "queued"};
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 7);
  changed |= ImGui::Combo("##filter_status", &filter_status_, statuses, IM_ARRAYSIZE(statuses));
  ImGui::SameLine();
  const char* optimizers[] = {"any optimizer", "limuon", "muon", "adamw"};
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8.5f);
  changed |= ImGui::Combo("##filter_optimizer", &filter_optimizer_, optimizers, IM_ARRAYSIZE(optimizers));
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 12);
  changed |= ImGui::InputTextWithHint("##filter_settings", "rank=8 beta=0.5", &filter_settings_);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Settings that must match exactly, as key=value separated by spaces.");
  if (!changed) return;
  RunQuery& q = run_query_;
  q.filter.text = filter_text_;
  q.filter.statuses = filter_status_ > 0 ? std::vector<std::string>{statuses[filter_status_]} : std::vector<std::string>{};
  q.filter.optimizers =
      filter_optimizer_ > 0 ? std::vector<std::string>{optimizers[filter_optimizer_]} : std::vector<std::string>{};
  q.filter.settings.clear();
  filter_error_.clear();
  std::istringstream words(filter_settings_);
  for (std::string word; words >> word;) {
    const size_t eq = word.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == word.size()) {
      filter_error_ = "'" + word + "': write a setting as key=value";
      continue;
    }
    q.filter.settings.emplace_back(word.substr(0, eq), word.substr(eq + 1));
  }
  refresh_list();
}

void App::draw_runs_table() {
  ImGui::TextDisabled("RUNS");
  ImGui::SameLine();
  if (reader_.busy()) ImGui::TextDisabled("(reading...)");
  else ImGui::TextDisabled("(%zu)", run_list_.rows.size());
  ImGui::SameLine();
  draw_runs_filters();
  const std::string& error = !filter_error_.empty() ? filter_error_ : run_list_.error;
  if (!error.empty()) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextColored({1, 0.45f, 0.4f, 1}, "%s", error.c_str());
    ImGui::PopTextWrapPos();
    if (!run_list_.error.empty()) return;
  }
  draw_run_popups();
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_ScrollY |
                                ImGuiTableFlags_Resizable | ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_Sortable;
  if (!ImGui::BeginTable("##runs_table", 9, flags)) return;
  using store::RunSortKey;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("show", ImGuiTableColumnFlags_NoSort);
  ImGui::TableSetupColumn("id", ImGuiTableColumnFlags_DefaultSort | ImGuiTableColumnFlags_PreferSortDescending, 0,
                          static_cast<ImGuiID>(RunSortKey::id));
  ImGui::TableSetupColumn("name", ImGuiTableColumnFlags_WidthStretch, 1.0f, static_cast<ImGuiID>(RunSortKey::name));
  ImGui::TableSetupColumn("optimizer", 0, 0, static_cast<ImGuiID>(RunSortKey::optimizer));
  ImGui::TableSetupColumn("settings", ImGuiTableColumnFlags_WidthStretch | ImGuiTableColumnFlags_NoSort, 0.6f);
  ImGui::TableSetupColumn("status", ImGuiTableColumnFlags_WidthFixed, ImGui::GetFontSize() * 7,
                          static_cast<ImGuiID>(RunSortKey::status));
  ImGui::TableSetupColumn("train loss", 0, 0, static_cast<ImGuiID>(RunSortKey::final_train_loss));
  ImGui::TableSetupColumn("val loss", 0, 0, static_cast<ImGuiID>(RunSortKey::final_val_loss));
  ImGui::TableSetupColumn("created", ImGuiTableColumnFlags_WidthFixed, ImGui::GetFontSize() * 11,
                          static_cast<ImGuiID>(RunSortKey::created));
  ImGui::TableHeadersRow();
  if (ImGuiTableSortSpecs* sort = ImGui::TableGetSortSpecs(); sort && sort->SpecsDirty) {
    if (sort->SpecsCount > 0) {  // the database sorts: 10,000 runs are no work for the frame
      run_query_.sort = static_cast<RunSortKey>(sort->Specs[0].ColumnUserID);
      run_query_.descending = sort->Specs[0].SortDirection == ImGuiSortDirection_Descending;
      refresh_list();
    }
    sort->SpecsDirty = false;
  }
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(run_list_.rows.size()));
  while (clipper.Step()) {
    for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
      const RunRow& row = run_list_.rows[static_cast<size_t>(i)];
      const int64_t id = row.record.id;
      ImGui::PushID(static_cast<int>(id));
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      bool shown = overlay_wanted_.count(id) && overlay_wanted_[id];
      if (RunData* r = find_run(id)) shown = r->visible;
      const plot::Rgb c = plot::run_colour(static_cast<int>(id));
      ImGui::PushStyleColor(ImGuiCol_CheckMark, ImVec4(c.r, c.g, c.b, 1));
      if (ImGui::Checkbox("##show", &shown)) {
        if (RunData* r = find_run(id); r && r->run_id == live_run_id_) r->visible = shown;
        else set_overlay(id, shown);
      }
      ImGui::PopStyleColor();
      ImGui::TableNextColumn();
      ImGui::TextColored({c.r, c.g, c.b, 1}, "%lld", static_cast<long long>(id));
      ImGui::TableNextColumn();
      // The name is the row's handle: right-click (or the button at its end) for the row's actions.
      ImGui::Selectable(row.record.name.c_str(), false, ImGuiSelectableFlags_AllowItemOverlap);
      if (ImGui::IsItemHovered() && (!row.record.error.empty() || !row.record.note.empty() || row.record.fork_step))
        ImGui::SetTooltip("%s%s%s", row.record.note.c_str(), row.record.note.empty() ? "" : "\n",
                          row.record.error.empty() ? fork_origin(row.record).c_str() : row.record.error.c_str());
      if (ImGui::BeginPopupContextItem("##row_menu")) {
        draw_run_row_menu(row);
        ImGui::EndPopup();
      }
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(row.config_readable ? row.config.optimizer.c_str() : "?");
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(key_settings(row).c_str());
      ImGui::TableNextColumn();
      // A run the window trains now (alone, or in a sweep or lesson) cannot be resumed: it is running here.
      const bool live = (id == live_run_id_ && session_.status().active) || queue_live_ids_.count(id) > 0;
      const std::string status = live ? "live" : row.record.status;
      const bool resumable = !live && (status == "stopped" || status == "running" || status == "queued");
      ImGui::TextUnformatted(status.c_str());
      if (resumable) {
        ImGui::SameLine();
        ImGui::BeginDisabled(session_.status().active || !row.config_readable);
        if (ImGui::SmallButton("resume")) resume_stored_run(id);
        ImGui::EndDisabled();
      }
      // The live row shows the trainer's latest losses; the list read from the store is older.
      const LiveStatus st = id == live_run_id_ && live ? session_.status() : LiveStatus{};
      ImGui::TableNextColumn();
      loss_cell(live && st.step > 0 ? st.last_loss : row.final_train_loss);
      ImGui::TableNextColumn();
      loss_cell(live && st.last_val_step > 0 ? st.last_val_loss : row.final_val_loss);
      ImGui::TableNextColumn();
      ImGui::TextDisabled("%s", row.record.created_at.c_str());
      ImGui::PopID();
    }
  }
  ImGui::EndTable();
}

}  // namespace limuon::gui

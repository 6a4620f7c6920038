#include "kv/run_view.h"

#include <set>

#include "util/blocking.h"

namespace wws::kv {
namespace {

// One page of a listing: the store's keys on it less those this run deletes, plus the keys this
// run sets in (cursor, last key of the page], or beyond when the store has no more (`exhausted`).
std::set<std::string, std::less<>> merged_page(const std::map<std::string, Op, std::less<>>& pending,
                                               std::string_view prefix, const std::string& cursor,
                                               const std::vector<std::string>& page, bool exhausted) {
  std::set<std::string, std::less<>> candidates;
  for (const auto& k : page) {
    auto p = pending.find(k);
    if (p == pending.end() || p->second.kind == OpKind::Set) candidates.insert(k);
  }
  auto p = cursor.empty() || cursor < prefix ? pending.lower_bound(prefix) : pending.upper_bound(cursor);
  for (; p != pending.end(); ++p) {
    if (p->first.compare(0, prefix.size(), prefix) != 0) {
      if (p->first > prefix) break;
      continue;
    }
    if (!exhausted && p->first > page.back()) break;
    if (p->second.kind == OpKind::Set) candidates.insert(p->first);
  }
  return candidates;
}

}  // namespace

Status RunView::note(Status s) {
  if (s.code() == Code::Unavailable && failure_.is_ok()) failure_ = s;
  return s;
}

Status RunView::get(const std::string& key, std::optional<std::string>* value) {
  if (auto it = pending_.find(key); it != pending_.end()) {
    *value = it->second.value;  // nullopt for a pending delete
    return Status::ok();
  }
  value->reset();
  if (!store_) return Status::ok();
  reads_++;
  return note(store_->get(ns_, key, value));
}

Status RunView::list(std::string_view prefix, std::string_view after, size_t limit, std::vector<std::string>* keys) {
  keys->clear();
  // Page through the store, merging in this run's pending writes page by page (a pending
  // delete must not leave a short page while the store has more keys).
  std::string cursor(after);
  std::vector<std::string> page;
  while (keys->size() < limit) {
    page.clear();
    if (store_) {
      reads_++;
      if (Status s = note(store_->list(ns_, prefix, cursor, limit, &page)); !s) return s;
    }
    const bool exhausted = page.size() < limit;
    for (const auto& k : merged_page(pending_, prefix, cursor, page, exhausted)) {
      if (keys->size() == limit) break;
      keys->push_back(k);
    }
    if (exhausted) break;
    cursor = page.back();
  }
  return Status::ok();
}

Status RunView::set(std::string key, std::string value, int64_t ttl_ms) {
  Op op = Op::set(key, std::move(value), ttl_ms);
  if (Status s = validate(op, limits_); !s) return s;
  return hold(std::move(key), std::move(op));
}

Status RunView::erase(std::string key) {
  Op op = Op::erase(key);
  if (Status s = validate(op, limits_); !s) return s;
  return hold(std::move(key), std::move(op));
}

Status RunView::hold(std::string key, Op op) {
  auto size = [](const Op& o) { return o.key.size() + (o.value ? o.value->size() : 0); };
  auto it = pending_.find(key);
  const uint64_t old_bytes = it == pending_.end() ? 0 : size(it->second);
  const uint64_t new_bytes = size(op);
  if (pending_limit_ && new_bytes > old_bytes && pending_bytes_ - old_bytes + new_bytes > pending_limit_)
    return {Code::Quota, "this request's K/V writes would go past the worker's memory limit"};
  pending_bytes_ = pending_bytes_ - old_bytes + new_bytes;
  if (it == pending_.end()) pending_.emplace(std::move(key), std::move(op));
  else it->second = std::move(op);
  return Status::ok();
}

Status RunView::increment(const std::string& key, int64_t delta, int64_t ttl_ms, int64_t* result) {
  OpResult r;
  Status s = commit_now(Op::increment(key, delta, ttl_ms), &r);
  if (s) *result = r.number;
  return s;
}

Status RunView::compare_and_swap(const std::string& key, std::optional<std::string> expected,
                                 std::optional<std::string> value, int64_t ttl_ms, bool* swapped) {
  OpResult r;
  Status s = commit_now(Op::compare_and_swap(key, std::move(expected), std::move(value), ttl_ms), &r);
  *swapped = s.is_ok();
  return s.code() == Code::Conflict ? Status::ok() : s;
}

Status RunView::expire(const std::string& key, int64_t ttl_ms, bool* existed) {
  OpResult r;
  Status s = commit_now(Op::expire(key, ttl_ms), &r);
  *existed = s.is_ok() && r.applied;
  return s;
}

Status RunView::commit_now(Op op, OpResult* result) {
  if (Status s = validate(op, limits_); !s) return s;
  if (!store_) return apply_locally(op, result);
  // This commits at once and cannot be taken back, so a run that may be redone elsewhere (an
  // I/O thread's, util/blocking.h) is stopped here instead; its redo makes the change once.
  if (!util::begin_blocking_wait()) return {Code::Unavailable, "an atomic K/V operation is redone on the run pool"};
  Batch batch;
  auto pending = pending_.find(op.key);
  if (pending != pending_.end()) batch.ops.push_back(pending->second);
  batch.ops.push_back(std::move(op));
  CommitResult committed;
  if (Status s = note(store_->commit(ns_, batch, limits_, &committed)); !s) return s;
  if (pending != pending_.end()) {
    pending_bytes_ -= pending->second.key.size() + (pending->second.value ? pending->second.value->size() : 0);
    pending_.erase(pending);
  }
  writes_++;
  *result = committed.results.back();
  return Status::ok();
}

Status RunView::apply_locally(const Op& op, OpResult* result) {
  // The same rules as a store, on the pending writes alone (TTLs have no effect here: nothing
  // outlives the run).
  Batch batch{{op}, std::nullopt};
  Plan plan;
  auto lookup = [&](const std::string& key, std::optional<Entry>* entry) {
    entry->reset();
    auto it = pending_.find(key);
    if (it != pending_.end() && it->second.value) *entry = Entry{*it->second.value, 0};
    return Status::ok();
  };
  if (Status s = plan_batch(batch, limits_, {}, now_ms(), lookup, &plan); !s) return s;
  for (Write& w : plan.writes)
    if (Status s = hold(w.key, w.entry ? Op::set(w.key, std::move(w.entry->value)) : Op::erase(w.key)); !s) return s;
  *result = plan.results.back();
  return Status::ok();
}

std::vector<Op> RunView::take_pending() {
  std::vector<Op> ops;
  ops.reserve(pending_.size());
  for (auto& [key, op] : pending_) ops.push_back(std::move(op));
  pending_.clear();
  pending_bytes_ = 0;
  return ops;
}

}  // namespace wws::kv

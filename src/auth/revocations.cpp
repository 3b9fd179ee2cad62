#include "auth/revocations.hpp"

#include <algorithm>
#include <mutex>

namespace painel::auth {

void RevocationSet::add(std::string_view subject, int64_t not_before_s, int64_t seen_ms) {
  Map* m = nullptr;
  if (subject.starts_with("user:")) {
    m = &users_;
    subject.remove_prefix(5);
  } else if (subject.starts_with("session:")) {
    m = &sessions_;
    subject.remove_prefix(8);
  } else {
    return;
  }
  std::unique_lock lk(mu_);
  auto [it, fresh] = m->try_emplace(std::string(subject), Entry{not_before_s, seen_ms});
  if (!fresh) {
    it->second.not_before_s = std::max(it->second.not_before_s, not_before_s);
    it->second.seen_ms = std::max(it->second.seen_ms, seen_ms);
  }
}

bool RevocationSet::dead(const Map& m, std::string_view id, int64_t iat) {
  auto it = m.find(id);
  return it != m.end() && iat < it->second.not_before_s;
}

bool RevocationSet::revoked(std::string_view user_id, std::string_view sid, int64_t iat) const {
  std::shared_lock lk(mu_);
  if (users_.empty() && sessions_.empty()) return false;
  return dead(users_, user_id, iat) || (!sid.empty() && dead(sessions_, sid, iat));
}

void RevocationSet::prune(int64_t before_ms) {
  std::unique_lock lk(mu_);
  std::erase_if(users_, [&](const auto& kv) { return kv.second.seen_ms < before_ms; });
  std::erase_if(sessions_, [&](const auto& kv) { return kv.second.seen_ms < before_ms; });
}

std::size_t RevocationSet::size() const {
  std::shared_lock lk(mu_);
  return users_.size() + sessions_.size();
}

}  // namespace painel::auth

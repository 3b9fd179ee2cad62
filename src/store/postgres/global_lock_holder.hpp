#pragma once
// For PostgreSQL tests of writes off the global write lock (WriteLock::RowLevel): another
// connection that holds the global write lock, and the row of every user but one, for
// ~2 s. `released` is when it let go, valid after join().
#include <chrono>
#include <string>
#include <thread>

#include "store/postgres/pg_conn.hpp"

namespace painel::store {

struct GlobalLockHolder {
  GlobalLockHolder(const std::string& url, const std::string& except_user) : conn({url}) {
    conn.begin(true);
    conn.exec("UPDATE users SET full_name = full_name WHERE id <> ?", {except_user});
    thread = std::thread([this] {
      std::this_thread::sleep_for(std::chrono::seconds(2));
      released = std::chrono::steady_clock::now();
      conn.commit();
    });
  }
  void join() { thread.join(); }
  PgConn conn;
  std::chrono::steady_clock::time_point released{};
  std::thread thread;
};

}  // namespace painel::store

#pragma once
// Password hashing with argon2id (libsodium crypto_pwhash). Hashes are self-describing
// PHC strings ("$argon2id$v=19$m=...,t=...,p=...$salt$hash"), so cost can be raised
// later without a migration: check password_needs_rehash() after a successful login.

#include <string>
#include <string_view>

namespace painel::auth {

enum class PasswordCost {
  Interactive,  // libsodium's INTERACTIVE limits (~64 MiB, 2 passes): real users
  Fast,         // OPSLIMIT_MIN / MEMLIMIT_MIN: tests and demo data only, never real users
};

// Throws std::runtime_error only if libsodium cannot allocate the memory it needs.
std::string hash_password(std::string_view password, PasswordCost cost = PasswordCost::Interactive);

// False for a wrong password and for any hash that is not a valid argon2 PHC string.
bool verify_password(std::string_view hash, std::string_view password);

// True if `hash` was made with other limits than `cost` (or is malformed).
bool password_needs_rehash(std::string_view hash, PasswordCost cost = PasswordCost::Interactive);

// Verifies a fixed password against a fixed Interactive-cost hash and discards the
// result. Call it when the login e-mail is unknown, so that "no such user" takes as
// long as "wrong password" and response time does not reveal which accounts exist.
void burn_dummy_verify();

}  // namespace painel::auth

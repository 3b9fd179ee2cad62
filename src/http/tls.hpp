#pragma once
// The server's TLS settings (--tls-cert/--tls-key): an OpenSSL context with TLS 1.2+ and
// Mozilla's "intermediate" ciphers, replaceable while serving. A connection takes the
// context current at its accept and keeps it for its life, so a reload (SIGHUP) changes
// only new handshakes and never drops an open connection.
#include <memory>
#include <mutex>
#include <string>

namespace boost::asio::ssl {
class context;
}

namespace painel::http {

class TlsContext {
 public:
  // Loads the certificate chain and the private key (PEM). Throws std::runtime_error with
  // one line naming the file and the reason (unreadable, not PEM, key does not match).
  TlsContext(std::string cert_file, std::string key_file);
  ~TlsContext();
  std::shared_ptr<boost::asio::ssl::context> current() const;
  // Reads both files again. On success new handshakes use them; on failure the current
  // context stays and the reason is returned (empty on success).
  std::string reload();
  const std::string& cert_file() const { return cert_file_; }
  const std::string& key_file() const { return key_file_; }

 private:
  std::string cert_file_, key_file_;
  mutable std::mutex mu_;
  std::shared_ptr<boost::asio::ssl::context> ctx_;
};

// A server context for the pair, configured as above. Throws std::runtime_error.
std::shared_ptr<boost::asio::ssl::context> make_server_tls_context(const std::string& cert_file,
                                                                   const std::string& key_file);

}  // namespace painel::http

#include "daemon/config/secrets_reader.hpp"

#include "daemon/config/values.hpp"

namespace ipsecd::config {

namespace {

// `- ids: [...]` + `psk: ...`
void read_psk(Reader& r, const YAML::Node& entry, const Fields& fs, ike::policy::Config& out) {
    const std::size_t errors_before = r.error_count();
    ike::policy::Secret secret;
    if (const Field* ids = fs.get("ids")) {
        for (const auto& item : r.texts(*ids).value_or(std::vector<Item>{})) {
            auto id = ike::policy::Identity::parse(item.text);
            if (id) secret.ids.push_back(*id);
            else r.error(item.node, "ids: " + id.error().message);
        }
    } else {
        r.error(entry, "secret: 'ids' is missing");
    }
    if (const Field* psk = fs.get("psk")) {
        if (auto bytes = read_secret(r, *psk, false)) secret.psk = std::move(*bytes);
    } else {
        r.error(entry, "secret: 'psk' is missing");
    }
    if (fs.get("password")) r.error(fs.get("password")->key_node, "secret: 'password' goes with 'key' or 'eap_id', not 'ids'");
    if (r.error_count() == errors_before) out.secrets.push_back(std::move(secret));
}

// `- key: private/a.pem` + `password: ...`: the passphrase of an encrypted private key,
// the path resolved as local.key's. The text is the passphrase as written (no 0x form).
void read_key_password(Reader& r, const YAML::Node& entry, const Fields& fs, const Field& key,
                       const std::filesystem::path& base_dir, ike::policy::Config& out) {
    const std::size_t errors_before = r.error_count();
    ike::policy::KeyPassword kp;
    if (auto t = r.text(key)) kp.key = checked_path(r, {*t, key.value}, "key", base_dir, true).value_or("");
    for (const char* other : {"ids", "psk", "eap_id"})
        if (const Field* f = fs.get(other)) r.error(f->key_node, std::string("secret: '") + other + "' does not go with 'key'");
    if (const Field* password = fs.get("password")) {
        if (auto t = r.text(*password)) {
            kp.password.assign(t->begin(), t->end());
            Botan::secure_scrub_memory(t->data(), t->size());
        }
    } else {
        r.error(entry, "secret: 'password' is missing (the passphrase of the key)");
    }
    if (r.error_count() == errors_before) out.key_passwords.push_back(std::move(kp));
}

// `- eap_id: alice` + `password: ...`: the EAP-MSCHAPv2 password of an EAP identity, ours
// (local.eap_id) or a road warrior's (remote auth: eap-mschapv2). The text as written.
void read_eap_password(Reader& r, const YAML::Node& entry, const Fields& fs, const Field& eap_id,
                       ike::policy::Config& out) {
    const std::size_t errors_before = r.error_count();
    ike::policy::EapSecret secret;
    if (auto t = r.text(eap_id)) secret.id = *t;
    if (secret.id.empty()) r.error(eap_id.value, "secret: 'eap_id' must not be empty");
    for (const auto& s : out.eap_secrets)
        if (!secret.id.empty() && s.id == secret.id) r.error(eap_id.value, "secret: a second password for EAP identity '" + secret.id + "'");
    for (const char* other : {"ids", "psk"})
        if (const Field* f = fs.get(other)) r.error(f->key_node, std::string("secret: '") + other + "' does not go with 'eap_id'");
    if (const Field* password = fs.get("password")) {
        if (auto t = r.text(*password)) {
            secret.password.assign(t->begin(), t->end());
            Botan::secure_scrub_memory(t->data(), t->size());
            if (secret.password.empty()) r.error(password->value, "secret: the password of an EAP identity must not be empty");
        }
    } else {
        r.error(entry, "secret: 'password' is missing (the EAP-MSCHAPv2 password of 'eap_id')");
    }
    if (r.error_count() == errors_before) out.eap_secrets.push_back(std::move(secret));
}

}  // namespace

void read_secrets(Reader& r, const Field& f, const std::filesystem::path& base_dir, ike::policy::Config& out) {
    if (!f.value.IsSequence()) {
        r.error(f.value.IsNull() ? f.key_node : f.value,
                "secrets: must be a list of {ids, psk}, {key, password} or {eap_id, password}");
        return;
    }
    for (const auto& entry : f.value) {
        auto fs = r.fields(entry, "a secret", {"ids", "psk", "key", "password", "eap_id"});
        if (!fs) continue;
        if (const Field* key = fs->get("key")) read_key_password(r, entry, *fs, *key, base_dir, out);
        else if (const Field* id = fs->get("eap_id")) read_eap_password(r, entry, *fs, *id, out);
        else read_psk(r, entry, *fs, out);
    }
}

}  // namespace ipsecd::config

#include "daemon/config/secrets_reader.hpp"

#include "daemon/config/values.hpp"

namespace ipsecd::config {

std::vector<ike::policy::Secret> read_secrets(Reader& r, const Field& f) {
    std::vector<ike::policy::Secret> out;
    if (!f.value.IsSequence()) {
        r.error(f.value.IsNull() ? f.key_node : f.value, "secrets: must be a list of {ids, psk}");
        return out;
    }
    for (const auto& entry : f.value) {
        const std::size_t errors_before = r.error_count();
        auto fs = r.fields(entry, "a secret", {"ids", "psk"});
        if (!fs) continue;
        ike::policy::Secret secret;
        if (const Field* ids = fs->get("ids")) {
            for (const auto& item : r.texts(*ids).value_or(std::vector<Item>{})) {
                auto id = ike::policy::Identity::parse(item.text);
                if (id) secret.ids.push_back(*id);
                else r.error(item.node, "ids: " + id.error().message);
            }
        } else {
            r.error(entry, "secret: 'ids' is missing");
        }
        if (const Field* psk = fs->get("psk")) {
            if (auto bytes = read_secret(r, *psk, false)) secret.psk = std::move(*bytes);
        } else {
            r.error(entry, "secret: 'psk' is missing");
        }
        if (r.error_count() == errors_before) out.push_back(std::move(secret));
    }
    return out;
}

}  // namespace ipsecd::config

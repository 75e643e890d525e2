#include "ike/crypto/signed_octets.hpp"

namespace ike::crypto {

base::Bytes signed_octets(const Prf& prf, base::ByteView real_message, base::ByteView peer_nonce,
                          base::ByteView sk_p, base::ByteView rest_of_id_payload) {
    const auto maced_id = prf.compute(sk_p, {rest_of_id_payload});
    base::Bytes out(real_message.begin(), real_message.end());
    out.insert(out.end(), peer_nonce.begin(), peer_nonce.end());
    out.insert(out.end(), maced_id.begin(), maced_id.end());
    return out;
}

}  // namespace ike::crypto

#include "ike/v2/ike_keys.hpp"

namespace ike::v2 {

namespace {
crypto::IkeSuite suite_of(const policy::Proposal& p) {
    crypto::IkeSuite s;
    if (const auto* e = p.first(TransformType::encr)) {
        s.encr = static_cast<EncrId>(e->id);
        s.encr_key_bits = e->key_length;
    }
    const auto* i = p.first(TransformType::integ);
    s.integ = i ? static_cast<IntegId>(i->id) : IntegId::none;
    if (const auto* f = p.first(TransformType::prf)) s.prf = static_cast<PrfId>(f->id);
    return s;
}
}  // namespace

base::Status derive_keys(IkeSa& sa, base::ByteView peer_public, const IkeSa* rekeyed) {
    if (!sa.ke) return base::fail("no key exchange");
    auto shared = sa.ke->compute(peer_public);
    if (!shared) return base::fail(shared.error().message);
    const crypto::IkeSuite suite = suite_of(sa.proposal);
    auto keys = rekeyed ? crypto::derive_rekeyed_ike_sa_keys(suite, rekeyed->prf->id(), rekeyed->keys.sk_d, *shared,
                                                            sa.ni, sa.nr, sa.spis)
                        : crypto::derive_ike_sa_keys(suite, *shared, sa.ni, sa.nr, sa.spis);
    if (!keys) return base::fail(keys.error().message);
    auto prf = crypto::Prf::create(suite.prf);
    if (!prf) return base::fail(prf.error().message);
    sa.keys = std::move(*keys);
    sa.prf = *prf;
    sa.sk = crypto::SkTransform{suite.encr, suite.encr_key_bits, suite.integ};
    sa.ke.reset();  // the private value is no longer needed
    return {};
}

}  // namespace ike::v2

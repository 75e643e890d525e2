#include "ike/eap/packet.hpp"

#include <algorithm>

namespace ike::eap {

namespace {

// A bounds-checked cursor over one packet.
class Cursor {
public:
    explicit Cursor(base::ByteView b) : b_(b) {}
    std::size_t left() const { return b_.size() - at_; }
    std::optional<std::uint8_t> u8() {
        if (left() < 1) return std::nullopt;
        return b_[at_++];
    }
    std::optional<std::uint16_t> u16() {
        if (left() < 2) return std::nullopt;
        const auto v = static_cast<std::uint16_t>((b_[at_] << 8) | b_[at_ + 1]);
        at_ += 2;
        return v;
    }
    template <std::size_t N>
    bool take(std::array<std::uint8_t, N>& out) {
        if (left() < N) return false;
        std::copy_n(b_.begin() + static_cast<std::ptrdiff_t>(at_), N, out.begin());
        at_ += N;
        return true;
    }
    bool skip(std::size_t n) {
        if (left() < n) return false;
        at_ += n;
        return true;
    }
    std::string rest() {
        std::string s(b_.begin() + static_cast<std::ptrdiff_t>(at_), b_.end());
        at_ = b_.size();
        return s;
    }

private:
    base::ByteView b_;
    std::size_t at_ = 0;
};

namespace opcode {
constexpr std::uint8_t challenge = 1, response = 2, success = 3, failure = 4;
}

constexpr std::size_t kValueSizeChallenge = 16, kValueSizeResponse = 49;

// draft-kamath 2: OpCode, MS-CHAPv2-ID, MS-Length (OpCode to the end), then the operation;
// the peer's Success and Failure acknowledgements are the OpCode alone.
base::Result<MsChapV2> decode_mschapv2(Code code, Cursor c) {
    const auto op = c.u8();
    if (!op) return base::fail("EAP-MSCHAPv2: no OpCode");
    if (code == Code::response && (*op == opcode::success || *op == opcode::failure)) {
        if (c.left() != 0) return base::fail("EAP-MSCHAPv2: an acknowledgement longer than its OpCode");
        if (*op == opcode::success) return MsChapV2{MsSuccess{}};
        return MsChapV2{MsFailure{}};
    }
    const auto id = c.u8();
    const auto ms_length = c.u16();
    if (!ms_length || *ms_length != c.left() + 4) return base::fail("EAP-MSCHAPv2: MS-Length does not fit");
    switch (*op) {
        case opcode::challenge: {
            if (code != Code::request) break;
            MsChallenge m{*id, {}, {}};
            if (c.u8() != kValueSizeChallenge || !c.take(m.challenge)) return base::fail("EAP-MSCHAPv2: bad Challenge");
            m.name = c.rest();
            return MsChapV2{std::move(m)};
        }
        case opcode::response: {
            if (code != Code::response) break;
            MsResponse m{*id, {}, {}, {}};
            if (c.u8() != kValueSizeResponse || !c.take(m.peer_challenge) || !c.skip(8) || !c.take(m.nt_response) ||
                !c.skip(1))
                return base::fail("EAP-MSCHAPv2: bad Response");
            m.name = c.rest();
            return MsChapV2{std::move(m)};
        }
        case opcode::success:
            if (code != Code::request) break;
            return MsChapV2{MsSuccess{*id, c.rest()}};
        case opcode::failure:
            if (code != Code::request) break;
            return MsChapV2{MsFailure{*id, c.rest()}};
        default: break;
    }
    return base::fail("EAP-MSCHAPv2: OpCode " + std::to_string(*op) + " not valid in this packet");
}

void append(base::Bytes& out, std::string_view s) { out.insert(out.end(), s.begin(), s.end()); }
template <std::size_t N>
void append(base::Bytes& out, const std::array<std::uint8_t, N>& a) {
    out.insert(out.end(), a.begin(), a.end());
}

// OpCode, MS-CHAPv2-ID and MS-Length, the length filled in by finish().
base::Bytes ms_header(std::uint8_t op, std::uint8_t id) { return {op, id, 0, 0}; }
base::Bytes finish(base::Bytes m) {
    m[2] = static_cast<std::uint8_t>(m.size() >> 8);
    m[3] = static_cast<std::uint8_t>(m.size());
    return m;
}

base::Bytes encode_mschapv2(Code code, const MsChapV2& m) {
    struct Visitor {
        Code code;
        base::Bytes operator()(const MsChallenge& c) const {
            auto out = ms_header(opcode::challenge, c.ms_id);
            out.push_back(kValueSizeChallenge);
            append(out, c.challenge);
            append(out, c.name);
            return finish(std::move(out));
        }
        base::Bytes operator()(const MsResponse& r) const {
            auto out = ms_header(opcode::response, r.ms_id);
            out.push_back(kValueSizeResponse);
            append(out, r.peer_challenge);
            out.insert(out.end(), 8, 0);
            append(out, r.nt_response);
            out.push_back(0);  // Flags: reserved, zero
            append(out, r.name);
            return finish(std::move(out));
        }
        base::Bytes operator()(const MsSuccess& s) const { return text(opcode::success, s.ms_id, s.message); }
        base::Bytes operator()(const MsFailure& f) const { return text(opcode::failure, f.ms_id, f.message); }
        base::Bytes text(std::uint8_t op, std::uint8_t id, const std::string& message) const {
            if (code == Code::response) return {op};
            auto out = ms_header(op, id);
            append(out, message);
            return finish(std::move(out));
        }
    };
    return std::visit(Visitor{code}, m);
}

}  // namespace

base::Result<Packet> decode(base::ByteView bytes) {
    Cursor c(bytes);
    const auto code = c.u8();
    const auto identifier = c.u8();
    const auto length = c.u16();
    if (!length) return base::fail("EAP: shorter than its header");
    if (*length != bytes.size()) return base::fail("EAP: Length " + std::to_string(*length) + " is not the payload's");
    if (*code < 1 || *code > 4) return base::fail("EAP: unknown Code " + std::to_string(*code));
    Packet p{static_cast<Code>(*code), *identifier, {}};
    if (p.code == Code::success || p.code == Code::failure) {
        if (c.left() != 0) return base::fail("EAP: a Success or Failure with data");
        return p;
    }
    const auto t = c.u8();
    if (!t) return base::fail("EAP: a Request or Response without a Type");
    switch (*t) {
        case type::identity: p.data = Identity{c.rest()}; break;
        case type::nak: {
            if (p.code != Code::response) return base::fail("EAP: a Nak that is not a Response");
            const auto s = c.rest();
            p.data = Nak{{s.begin(), s.end()}};
            break;
        }
        case type::mschapv2: {
            auto m = decode_mschapv2(p.code, c);
            if (!m) return base::Unexpected{m.error()};
            p.data = std::move(*m);
            break;
        }
        default: p.data = OtherType{*t}; break;
    }
    return p;
}

base::Bytes encode(const Packet& p) {
    base::Bytes out{static_cast<std::uint8_t>(p.code), p.identifier, 0, 0};
    struct Visitor {
        Code code;
        base::Bytes& out;
        void operator()(std::monostate) const {}
        void operator()(const Identity& i) const {
            out.push_back(type::identity);
            append(out, i.identity);
        }
        void operator()(const Nak& n) const {
            out.push_back(type::nak);
            out.insert(out.end(), n.desired.begin(), n.desired.end());
        }
        void operator()(const MsChapV2& m) const {
            out.push_back(type::mschapv2);
            const auto body = encode_mschapv2(code, m);
            out.insert(out.end(), body.begin(), body.end());
        }
        void operator()(const OtherType& o) const { out.push_back(o.type); }
    };
    std::visit(Visitor{p.code, out}, p.data);
    out[2] = static_cast<std::uint8_t>(out.size() >> 8);
    out[3] = static_cast<std::uint8_t>(out.size());
    return out;
}

}  // namespace ike::eap

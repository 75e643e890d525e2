// The report of a failed engine fuzz input: what a peer's engine did, its kernel changes and
// its log, one line each on stderr.
#pragma once

#include <cstdio>
#include <string>

#include "ike/engine/effects.hpp"
#include "xfrm/kernel.hpp"

namespace fuzz {

inline void dump(const std::string& peer, const ike::engine::Effects& history) {
    using namespace ike::engine;
    for (const Effect& e : history) {
        std::string line;
        if (const auto* a = std::get_if<AddSa>(&e)) line = "add " + xfrm::describe(a->sa);
        else if (const auto* u = std::get_if<UpdateSa>(&e)) line = "update " + xfrm::describe(u->sa);
        else if (const auto* d = std::get_if<DeleteSa>(&e)) line = "delete " + xfrm::describe(d->id);
        else if (const auto* ap = std::get_if<AddPolicy>(&e)) line = "add " + xfrm::describe(ap->policy.id());
        else if (const auto* dp = std::get_if<DeletePolicy>(&e)) line = "delete " + xfrm::describe(dp->id);
        else if (const auto* up = std::get_if<UpdatePolicy>(&e)) line = "update " + xfrm::describe(up->policy.id());
        else if (const auto* l = std::get_if<Log>(&e)) line = "log [" + l->connection + "] " + l->message;
        if (!line.empty()) std::fprintf(stderr, "%s: %s\n", peer.c_str(), line.c_str());
    }
}

}  // namespace fuzz

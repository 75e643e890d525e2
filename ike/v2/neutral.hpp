// IKEv2 speaks the version-neutral engine layer (ike/engine/: clock, events, effects, the
// status model, retransmission timers, credentials) unqualified, as its own vocabulary.
#pragma once

#include "ike/engine/clock.hpp"
#include "ike/engine/credentials.hpp"
#include "ike/engine/effects.hpp"
#include "ike/engine/engine.hpp"
#include "ike/engine/events.hpp"
#include "ike/engine/retransmit.hpp"
#include "ike/engine/reqids.hpp"

namespace ike::v2 {

using namespace ike::engine;

}  // namespace ike::v2

#include "ike/v2/neutral.hpp"

#include "ike/v2/core.hpp"

namespace ike::v2 {

// Defined here rather than in engine.cpp: the credentials are this file's concern.
void Engine::set_credentials(const Credentials* credentials) { core_->options.credentials = credentials; }

}  // namespace ike::v2

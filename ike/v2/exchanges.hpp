// The exchange steps (RFC 7296 1.2-1.4), one file per exchange. Each step is a function of
// the IKE SA and the typed message; what it decides comes out as effects through Core.
// Requests and responses have been matched and decrypted by the engine (engine.cpp).
#pragma once

#include "ike/v2/core.hpp"
#include "ike/v2/neutral.hpp"
#include "ike/v2/payloads.hpp"
#include "ike/wire/message.hpp"

namespace ike::v2 {

// ---- ike_sa_init.cpp ----
// Initiator: a new IKE SA for `conn`, whose first CHILD SA will be `child` (may be null);
// null if none could be started (logged). With a host name in remote.address it waits for
// the name's resolution (IkeState::resolving) and goes on in initiate_to.
IkeSa* initiate(Core& core, const policy::Connection& conn, const policy::Child* child);
// Initiator: IKE_SA_INIT of a resolving IKE SA to its peer's resolved address.
void initiate_to(Core& core, IkeSa& sa, const net::Address& remote);
// The address we send to `conn`'s peer at `remote` from: local.address, else the source
// address the route to the peer prefers (EngineOptions::source_address).
base::Result<net::Address> local_address(const Core& core, const policy::Connection& conn, const net::Address& remote);
// Responder: answers an IKE_SA_INIT request (COOKIE and proposal checks precede any DH).
void respond_ike_sa_init(Core& core, const DatagramIn& in, const wire::Message& request);
// Initiator: the answer to our IKE_SA_INIT request; continues with IKE_AUTH.
void process_ike_sa_init_response(Core& core, IkeSa& sa, const DatagramIn& in,
                                  const wire::Message& response);

// ---- ike_auth.cpp ----
void send_ike_auth(Core& core, IkeSa& sa);
void respond_ike_auth(Core& core, IkeSa& sa, std::uint32_t message_id, const Payloads& request);
void process_ike_auth_response(Core& core, IkeSa& sa, const Payloads& response);
// Another shard authenticated a peer (PeerAuthenticatedElsewhere): the IKE SAs it replaces
// here go as they would for an IKE SA of this engine (INITIAL_CONTACT, remote access).
void forget_replaced_sas(Core& core, const PeerAuthenticated& elsewhere);
// The steps EAP (eap_auth.cpp) shares. Initiator: 2.21.2 AUTHENTICATION_FAILED in a
// separate INFORMATIONAL, sent once; the end of IKE_AUTH with the authenticated peer (as
// logs show it): the first CHILD SA, established. Responder: `reply` and
// AUTHENTICATION_FAILED, closed; the last response with `reply` (IDr/AUTH), the CHILD SA
// `request` asked for (2.4 INITIAL_CONTACT too), established.
void tell_authentication_failed(Core& core, IkeSa& sa);
void complete_ike_auth(Core& core, IkeSa& sa, const Payloads& response, const std::string& peer);
void refuse_ike_auth(Core& core, IkeSa& sa, std::uint32_t message_id, Payloads reply = {});
void conclude_ike_auth(Core& core, IkeSa& sa, std::uint32_t message_id, const Payloads& request, Payloads reply,
                       const std::string& peer);

// ---- eap_auth.cpp: EAP-MSCHAPv2 inside IKE_AUTH (2.16) ----
// Initiator: the EAP peer for our eap_id; false (logged, closed) without its password.
bool start_eap_peer(Core& core, IkeSa& sa);
// Initiator: each IKE_AUTH response while EAP runs (the gateway's AUTH first).
void process_eap_response(Core& core, IkeSa& sa, const Payloads& response);
// Responder: the first IKE_AUTH request without AUTH, then each request while EAP runs.
void start_eap_authenticator(Core& core, IkeSa& sa, std::uint32_t message_id, const Payloads& request);
void respond_eap(Core& core, IkeSa& sa, std::uint32_t message_id, const Payloads& request);

// ---- child_create.cpp ----
// Initiator: rekeys `old` (1.3.3), or creates a new CHILD SA for `config` when old is null.
void send_create_child(Core& core, IkeSa& sa, const policy::Child& config, const ChildSa* old);
void respond_create_child(Core& core, IkeSa& sa, std::uint32_t message_id, const Payloads& request);
void process_create_child_response(Core& core, IkeSa& sa, ChildRequest request, const Payloads& response);
// Sends what waited for the window (IkeSa::waiting), the first request still meaningful.
void send_waiting(Core& core, IkeSa& sa);

// ---- ike_rekey.cpp ----
// Rekeys the IKE SA with CREATE_CHILD_SA (1.3.2, 2.18), including 2.8.2 collisions.
void send_ike_rekey(Core& core, IkeSa& sa);
void respond_ike_rekey(Core& core, IkeSa& sa, std::uint32_t message_id, const Payloads& request);
void process_ike_rekey_response(Core& core, IkeSa& sa, std::unique_ptr<IkeSa> fresh, const Payloads& response);

// ---- informational.cpp ----
void send_delete_child(Core& core, IkeSa& sa, ChildSa& child);
// The Delete of a pair the peer installed and we refused (no ChildSa of ours exists).
void send_delete_child_spi(Core& core, IkeSa& sa, ProtocolId protocol, std::uint32_t spi_in);
void send_delete_ike(Core& core, IkeSa& sa);
void respond_informational(Core& core, IkeSa& sa, std::uint32_t message_id,
                           const Payloads& request);
void process_informational_response(Core& core, IkeSa& sa, const InFlight& request, const Payloads& response);

// ---- dpd.cpp ----
// When the next liveness check of an established SA is due (nullopt: DPD off or busy).
std::optional<Time> liveness_due(const IkeSa& sa);
void send_liveness_check(Core& core, IkeSa& sa);

}  // namespace ike::v2

#include "ike/wire/notify_data.hpp"

#include <gtest/gtest.h>

#include "ike/wire/constants.hpp"

using namespace ike::wire;
using ike::ProtocolId;

TEST(NotifyData, InvalidKeGroupIsTwoOctetsNetworkOrder) {
    EXPECT_EQ(ke_group_data(31), (base::Bytes{0x00, 0x1f}));
    Notify n{0, {}, notify::invalid_ke_payload, ke_group_data(19)};
    EXPECT_EQ(ke_group_of(n), 19);
}

TEST(NotifyData, InvalidKeGroupOfAnyOtherLengthIsRejected) {
    EXPECT_FALSE(ke_group_of(Notify{0, {}, notify::invalid_ke_payload, {0x13}}));
    EXPECT_FALSE(ke_group_of(Notify{0, {}, notify::invalid_ke_payload, {0x00, 0x13, 0x00}}));
}

TEST(NotifyData, RekeySaCarriesTheOldInboundSpiAndNoData) {
    const Notify n = rekey_sa(ProtocolId::esp, 0xc1a5f00d);
    EXPECT_EQ(n.protocol, 3);
    EXPECT_EQ(n.type, notify::rekey_sa);
    EXPECT_EQ(n.spi, (base::Bytes{0xc1, 0xa5, 0xf0, 0x0d}));
    EXPECT_TRUE(n.data.empty());
    EXPECT_EQ(rekey_sa_spi(n), 0xc1a5f00du);
}

TEST(NotifyData, RekeySaSpiOfAnotherSizeIsRejected) {
    Notify n = rekey_sa(ProtocolId::esp, 1);
    n.spi.push_back(0);
    EXPECT_FALSE(rekey_sa_spi(n));
}

TEST(NotifyData, RekeySaSpiAboutAnIkeSaIsRejected) {
    Notify n = rekey_sa(ProtocolId::esp, 1);
    n.protocol = 1;
    EXPECT_FALSE(rekey_sa_spi(n));
}

TEST(NotifyData, RekeySaSpiOfAnotherNotifyTypeIsRejected) {
    Notify n = rekey_sa(ProtocolId::ah, 1);
    n.type = notify::invalid_ke_payload;
    EXPECT_FALSE(rekey_sa_spi(n));
}

#include "ike/wire/notify_data.hpp"

#include <gtest/gtest.h>

#include "ike/wire/constants.hpp"

using namespace ike::wire;

TEST(NotifyData, InvalidKeGroupIsTwoOctetsNetworkOrder) {
    EXPECT_EQ(ke_group_data(31), (base::Bytes{0x00, 0x1f}));
    Notify n{0, {}, notify::invalid_ke_payload, ke_group_data(19)};
    EXPECT_EQ(ke_group_of(n), 19);
}

TEST(NotifyData, InvalidKeGroupOfAnyOtherLengthIsRejected) {
    EXPECT_FALSE(ke_group_of(Notify{0, {}, notify::invalid_ke_payload, {0x13}}));
    EXPECT_FALSE(ke_group_of(Notify{0, {}, notify::invalid_ke_payload, {0x00, 0x13, 0x00}}));
}

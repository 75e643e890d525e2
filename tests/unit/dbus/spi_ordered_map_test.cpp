// dbus/spi_ordered_map.hpp: the bus's IKE SAs by SPI, walked in order and found by hash.
#include "dbus/spi_ordered_map.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ipsecd::bus {
namespace {

std::vector<std::uint64_t> keys(const SpiOrderedMap<std::string>& m) {
    std::vector<std::uint64_t> out;
    for (const auto& [spi, value] : m) out.push_back(spi);
    return out;
}

TEST(SpiOrderedMap, IsWalkedInSpiOrderWhateverTheOrderOfInsertion) {
    SpiOrderedMap<std::string> m;
    for (std::uint64_t spi : {0x30u, 0x10u, 0x20u}) m.insert_or_assign(spi, "v");
    EXPECT_EQ(keys(m), (std::vector<std::uint64_t>{0x10, 0x20, 0x30}));
    EXPECT_EQ(m.upper_bound(0x10)->first, 0x20u);
}

TEST(SpiOrderedMap, FindsWhatWasInsertedAndAssignsInPlace) {
    SpiOrderedMap<std::string> m;
    m.insert_or_assign(7, "a");
    m.insert_or_assign(7, "b");
    ASSERT_NE(m.find(7), m.end());
    EXPECT_EQ(m.find(7)->second, "b");
    EXPECT_EQ(m.size(), 1u);
    EXPECT_EQ(m.find(8), m.end());
}

TEST(SpiOrderedMap, AnErasedEntryIsFoundNeitherByHashNorInTheWalk) {
    SpiOrderedMap<std::string> m;
    m.insert_or_assign(1, "a");
    m.insert_or_assign(2, "b");
    m.erase(m.find(1));
    EXPECT_EQ(m.find(1), m.end());
    EXPECT_EQ(keys(m), (std::vector<std::uint64_t>{2}));
    m.insert_or_assign(1, "c");  // back, with its new value
    EXPECT_EQ(m.find(1)->second, "c");
}

TEST(SpiOrderedMap, AMovedMapStillFindsItsEntries) {
    SpiOrderedMap<std::string> m;
    m.insert_or_assign(5, "a");
    SpiOrderedMap<std::string> moved = std::move(m);
    ASSERT_NE(moved.find(5), moved.end());
    moved.erase(moved.find(5));
    EXPECT_TRUE(moved.empty());
}

}  // namespace
}  // namespace ipsecd::bus

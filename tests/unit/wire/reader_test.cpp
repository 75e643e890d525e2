#include <gtest/gtest.h>

#include "ike/wire/data_attribute.hpp"
#include "ike/wire/reader.hpp"
#include "ike/wire/writer.hpp"
#include "tests/unit/wire/support.hpp"

using namespace ike::wire;
using wire_test::hex;

TEST(Reader, ReadsIntegersInNetworkByteOrder) {
    auto data = hex("01 0203 04050607 08090a0b0c0d0e0f");
    Reader r(data);
    EXPECT_EQ(r.get_u8(), 0x01);
    EXPECT_EQ(r.get_u16(), 0x0203);
    EXPECT_EQ(r.get_u32(), 0x04050607u);
    EXPECT_EQ(r.get_u64(), 0x08090a0b0c0d0e0fu);
    EXPECT_TRUE(r.empty());
    EXPECT_FALSE(r.failed());
}

TEST(Reader, FailsOnReadPastEndWithoutMoving) {
    auto data = hex("0102 03");
    Reader r(data, 100);
    r.get_u16();
    EXPECT_EQ(r.get_u16(), 0);
    EXPECT_TRUE(r.failed());
    EXPECT_STREQ(r.error(), "truncated");
    EXPECT_EQ(r.offset(), 102u);
}

TEST(Reader, StaysFailedAfterTheFirstFailure) {
    auto data = hex("01");
    Reader r(data);
    r.get_u32();
    EXPECT_EQ(r.get_u8(), 0);
    EXPECT_TRUE(r.get_bytes(0).empty());
    EXPECT_EQ(r.remaining(), 0u);
}

TEST(Reader, GetRangeRejectsLengthOutsideBounds) {
    auto data = hex("0102030405");
    Reader r(data);
    EXPECT_TRUE(r.get_range(5, 8, 16).empty());
    EXPECT_STREQ(r.error(), "length out of range");
}

TEST(Reader, GetRangeReturnsLengthWithinBounds) {
    auto data = hex("0102030405");
    Reader r(data);
    EXPECT_EQ(r.get_range(3, 1, 3).size(), 3u);
    EXPECT_FALSE(r.failed());
}

TEST(Reader, SubReaderReportsAbsoluteOffsets) {
    auto data = hex("aabb ccdd eeff");
    Reader r(data, 28);
    r.get_u16();
    Reader sub = r.sub_reader(2);
    EXPECT_EQ(sub.offset(), 30u);
    EXPECT_EQ(r.offset(), 32u);
    EXPECT_EQ(sub.get_u16(), 0xccdd);
}

TEST(Reader, SubReaderBeyondEndIsFailed) {
    auto data = hex("aabb");
    Reader r(data);
    Reader sub = r.sub_reader(3);
    EXPECT_TRUE(r.failed());
    EXPECT_TRUE(sub.failed());
}

TEST(Writer, WritesIntegersInNetworkByteOrder) {
    Writer w;
    w.put_u8(1);
    w.put_u16(0x0203);
    w.put_u32(0x04050607);
    w.put_u64(0x08090a0b0c0d0e0f);
    EXPECT_EQ(w.take(), hex("01 0203 04050607 08090a0b0c0d0e0f"));
}

TEST(Writer, PatchesLengthOfWhatFollowsTheStart) {
    Writer w;
    auto at = w.reserve_u16();
    w.put_bytes(hex("aabbcc"));
    w.patch_length_u16(at, 0);
    EXPECT_EQ(w.take(), hex("0005 aabbcc"));
}

TEST(DataAttribute, RoundTripsTvAndTlvForms) {
    std::vector<DataAttribute> attrs{DataAttribute::tv(14, 256), DataAttribute::tlv(12, {0, 1, 0x51, 0x80})};
    Writer w;
    write_attributes(w, attrs);
    auto bytes = w.take();
    EXPECT_EQ(bytes, hex("800e 0100 000c 0004 00015180"));
    Reader r(bytes);
    EXPECT_EQ(read_attributes(r, 8), attrs);
    EXPECT_FALSE(r.failed());
}

TEST(DataAttribute, RejectsMoreThanTheLimit) {
    auto bytes = hex("800e0100 800e0100 800e0100");
    Reader r(bytes);
    read_attributes(r, 2);
    EXPECT_STREQ(r.error(), "too many attributes");
}

TEST(DataAttribute, RejectsTlvLengthBeyondData) {
    auto bytes = hex("000c 0008 0001");
    Reader r(bytes);
    read_attributes(r, 8);
    EXPECT_TRUE(r.failed());
}

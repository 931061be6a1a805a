// sio::lookup: socket.io-client's Manager cache (multiplexing), force_new and multiplex = false.
#include <gtest/gtest.h>

#include "support/fake_loop.hpp"
#include "twinsock/sio/io.hpp"

namespace twinsock::sio {
namespace {

ManagerOptions quiet() {
  ManagerOptions o;
  o.auto_connect = false;  // nothing goes on the wire in these tests
  return o;
}

TEST(SioLookup, SameOriginAndPathShareOneManager) {
  testing::FakeLoop loop;
  auto a = lookup(loop, "http://h:3000/chat", quiet());
  auto b = lookup(loop, "http://h:3000/admin?x=1", quiet());
  EXPECT_EQ(a.get(), b.get());
  EXPECT_EQ(a->url_namespace(), "/chat");  // the first URL made it
}

TEST(SioLookup, IoGivesEachUrlItsOwnNamespaceOnTheSharedManager) {
  // socket.io-client's io(): the second URL's namespace, not the first one's.
  testing::FakeLoop loop;
  IoSocket chat = io(loop, "http://h:3000/chat", quiet());
  ManagerOptions with_auth = quiet();
  with_auth.socket.auth = {{"token", "t"}};
  IoSocket admin = io(loop, "http://h:3000/admin?x=1", with_auth);
  EXPECT_EQ(chat.manager.get(), admin.manager.get());
  EXPECT_EQ(chat.socket.nsp(), "/chat");
  EXPECT_EQ(admin.socket.nsp(), "/admin");
  EXPECT_EQ(&io(loop, "http://h:3000/chat", quiet()).socket, &chat.socket);
  EXPECT_EQ(io(loop, "http://h:3000", quiet()).socket.nsp(), "/");
}

TEST(SioLookup, ForceNewAndMultiplexFalseMakeNewManagers) {
  testing::FakeLoop loop;
  auto a = lookup(loop, "http://h:3000/", quiet());
  EXPECT_NE(lookup(loop, "http://h:3000/", quiet(), {.force_new = true}).get(), a.get());
  EXPECT_NE(lookup(loop, "http://h:3000/", quiet(), {.multiplex = false}).get(), a.get());
}

TEST(SioLookup, OtherOriginPathOrLoopIsAnotherManager) {
  testing::FakeLoop loop, other_loop;
  auto a = lookup(loop, "http://h:3000/", quiet());
  EXPECT_NE(lookup(loop, "http://h:3001/", quiet()).get(), a.get());
  EXPECT_NE(lookup(loop, "https://h:3000/", quiet()).get(), a.get());
  ManagerOptions custom = quiet();
  custom.engine.path = "/custom-path/";
  EXPECT_NE(lookup(loop, "http://h:3000/", custom).get(), a.get());
  EXPECT_NE(lookup(other_loop, "http://h:3000/", quiet()).get(), a.get());
}

TEST(SioLookup, ACachedManagerLivesOnlyWhileSomeoneHoldsIt) {
  testing::FakeLoop loop;
  Manager* first = nullptr;
  {
    auto a = lookup(loop, "http://h:3000/", quiet());
    first = a.get();
  }
  auto b = lookup(loop, "http://h:3000/", quiet());
  ASSERT_NE(b, nullptr);
  (void)first;  // the old one is gone: a fresh Manager was made (the address may be reused)
  EXPECT_EQ(b.use_count(), 1);
}

}  // namespace
}  // namespace twinsock::sio

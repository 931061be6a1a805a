// Codec micro-benchmarks (Google Benchmark): ns per encode and per decode of the
// internal codecs (sdk/src/codec) on the messages the client benchmarks send.
// The client never encodes SSE, so SSE has a decode (parse) benchmark only.
//   build/bench/bench/codec_bench --benchmark_format=json
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "codec/eio/packet.hpp"
#include "codec/eio/payload.hpp"
#include "codec/sio/decoder.hpp"
#include "codec/sio/encoder.hpp"
#include "codec/sio/packet.hpp"
#include "codec/sse/parser.hpp"
#include "codec/ws/decoder.hpp"
#include "codec/ws/encoder.hpp"
#include "util/random.hpp"

namespace tw = twinsock;

namespace {

class FixedRandom final : public tw::RandomSource {
 public:
  void fill(std::span<std::uint8_t> out) override {
    for (auto& b : out) b = 0x5a;
  }
};

// --- WebSocket frames -------------------------------------------------------

void BM_WsEncode(benchmark::State& state) {  // client frame: masked, key from the system CSPRNG
  const std::string payload(static_cast<std::size_t>(state.range(0)), 'x');
  tw::bytes out;
  for (auto _ : state) {
    out.clear();
    tw::ws::encode_message(out, tw::ws::MessageType::text, tw::as_bytes(payload), tw::system_random());
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(BM_WsEncode)->Arg(32)->Arg(1024);

void BM_WsEncodeFixedKey(benchmark::State& state) {  // the same without the CSPRNG
  const std::string payload(static_cast<std::size_t>(state.range(0)), 'x');
  FixedRandom random;
  tw::bytes out;
  for (auto _ : state) {
    out.clear();
    tw::ws::encode_message(out, tw::ws::MessageType::text, tw::as_bytes(payload), random);
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(BM_WsEncodeFixedKey)->Arg(32)->Arg(1024);

tw::bytes server_frame(std::size_t size) {  // unmasked text frame, FIN
  tw::bytes f{0x81};
  if (size < 126) {
    f.push_back(static_cast<std::uint8_t>(size));
  } else {
    f.push_back(126);
    f.push_back(static_cast<std::uint8_t>(size >> 8));
    f.push_back(static_cast<std::uint8_t>(size & 0xff));
  }
  f.insert(f.end(), size, 'x');
  return f;
}

void BM_WsDecode(benchmark::State& state) {
  const tw::bytes frame = server_frame(static_cast<std::size_t>(state.range(0)));
  tw::ws::Decoder decoder;
  for (auto _ : state) {
    decoder.feed(frame);
    while (auto event = decoder.next()) benchmark::DoNotOptimize(event->payload.data());
  }
  if (decoder.failed()) state.SkipWithError("decoder failed");
}
BENCHMARK(BM_WsDecode)->Arg(32)->Arg(1024);

// --- SSE ----------------------------------------------------------------------

void BM_SseDecode(benchmark::State& state) {  // one event per feed, as in the SSE scenario
  const std::string event = "data: 0123456789abcdef\n\n";
  tw::sse::Parser parser;
  std::vector<tw::sse::Event> out;
  for (auto _ : state) {
    out.clear();
    parser.feed(tw::as_bytes(event), out);
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(BM_SseDecode);

void BM_SseDecodeWithId(benchmark::State& state) {
  const std::string event = "id: 12345\nevent: tick\ndata: 0123456789abcdef\n\n";
  tw::sse::Parser parser;
  std::vector<tw::sse::Event> out;
  for (auto _ : state) {
    out.clear();
    parser.feed(tw::as_bytes(event), out);
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(BM_SseDecodeWithId);

// --- Engine.IO ----------------------------------------------------------------

const std::string kSioText = R"(2["msg",{"s":"hello","x":1}])";

void BM_EioPacketEncode(benchmark::State& state) {
  const auto packet = tw::eio::Packet::text(tw::eio::PacketType::message, kSioText);
  for (auto _ : state) benchmark::DoNotOptimize(tw::eio::encode_text(packet));
}
BENCHMARK(BM_EioPacketEncode);

void BM_EioPacketDecode(benchmark::State& state) {
  const std::string text = "4" + kSioText;
  tw::eio::Packet packet;
  for (auto _ : state) {
    tw::eio::decode_text(text, packet);
    benchmark::DoNotOptimize(packet.data.data());
  }
}
BENCHMARK(BM_EioPacketDecode);

std::vector<tw::eio::Packet> payload_packets(std::size_t n) {
  std::vector<tw::eio::Packet> packets;
  for (std::size_t i = 0; i < n; ++i) packets.push_back(tw::eio::Packet::text(tw::eio::PacketType::message, kSioText));
  return packets;
}

void BM_EioPayloadEncode(benchmark::State& state) {  // a polling POST body of range(0) packets
  const auto packets = payload_packets(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(tw::eio::encode_payload(packets));
}
BENCHMARK(BM_EioPayloadEncode)->Arg(1)->Arg(10);

void BM_EioPayloadDecode(benchmark::State& state) {
  const std::string body = tw::eio::encode_payload(payload_packets(static_cast<std::size_t>(state.range(0))));
  std::vector<tw::eio::Packet> out;
  for (auto _ : state) {
    out.clear();
    tw::eio::decode_payload(body, out);
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(BM_EioPayloadDecode)->Arg(1)->Arg(10);

// --- Socket.IO ----------------------------------------------------------------

tw::sio::Packet event_packet(bool binary) {
  tw::sio::Packet p;
  p.type = tw::sio::PacketType::event;
  p.id = 7;
  if (binary) {
    p.data = nlohmann::json::array({"msg", nlohmann::json::binary(tw::bytes(16, 0xab))});
  } else {
    p.data = nlohmann::json::array({"msg", nlohmann::json{{"x", 1}, {"s", "hello"}}});
  }
  return p;
}

void BM_SioEncode(benchmark::State& state) {
  const auto packet = event_packet(false);
  for (auto _ : state) benchmark::DoNotOptimize(tw::sio::encode(packet));
}
BENCHMARK(BM_SioEncode);

void BM_SioDecode(benchmark::State& state) {
  const std::string text = tw::sio::encode(event_packet(false)).text;
  tw::sio::Decoder decoder;
  for (auto _ : state) {
    decoder.add_text(text);
    auto packet = decoder.next();
    benchmark::DoNotOptimize(packet);
  }
  if (decoder.failed()) state.SkipWithError("decoder failed");
}
BENCHMARK(BM_SioDecode);

void BM_SioEncodeBinary(benchmark::State& state) {
  const auto packet = event_packet(true);
  for (auto _ : state) benchmark::DoNotOptimize(tw::sio::encode(packet));
}
BENCHMARK(BM_SioEncodeBinary);

void BM_SioDecodeBinary(benchmark::State& state) {
  const auto encoded = tw::sio::encode(event_packet(true));
  tw::sio::Decoder decoder;
  for (auto _ : state) {
    decoder.add_text(encoded.text);
    for (const auto& a : encoded.attachments) decoder.add_binary(a);
    auto packet = decoder.next();
    benchmark::DoNotOptimize(packet);
  }
  if (decoder.failed()) state.SkipWithError("decoder failed");
}
BENCHMARK(BM_SioDecodeBinary);

}  // namespace

BENCHMARK_MAIN();

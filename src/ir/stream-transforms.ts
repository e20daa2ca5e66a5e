import type { StreamDecoder, StreamEncoder } from "./format-adapter";
import type { IRStreamEvent } from "./ir-types";

/** A format's stream decoder as a TransformStream: upstream text → IR events. */
export function decoderTransform(decoder: StreamDecoder): TransformStream<string, IRStreamEvent> {
  return new TransformStream<string, IRStreamEvent>({
    transform(chunk, controller) {
      decoder.push(chunk, (event) => controller.enqueue(event));
    },
    flush(controller) {
      decoder.end((event) => controller.enqueue(event));
    },
  });
}

/** A format's stream encoder as a TransformStream: IR events → client text. */
export function encoderTransform(encoder: StreamEncoder): TransformStream<IRStreamEvent, string> {
  return new TransformStream<IRStreamEvent, string>({
    transform(event, controller) {
      const text = encoder.encode(event);
      if (text) controller.enqueue(text);
    },
  });
}

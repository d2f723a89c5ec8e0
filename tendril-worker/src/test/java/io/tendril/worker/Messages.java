package io.tendril.worker;

import io.tendril.protocol.wire.CacheLevel;
import io.tendril.protocol.wire.FetchFile;
import io.tendril.protocol.wire.MiniTask;
import io.tendril.protocol.wire.Mount;
import io.tendril.protocol.wire.OutputSpec;
import io.tendril.protocol.wire.Resources;
import io.tendril.protocol.wire.RunTask;
import io.tendril.protocol.wire.Untar;

/** Builders of the ManagerMessage parts the tests send, with short names. */
final class Messages {
  private Messages() {}

  /** A RunTask of one core with a command; add inputs and outputs with the helpers below. */
  static RunTask.Builder task(long id, String command) {
    return RunTask.newBuilder().setTaskId(id).setCommand(command)
        .setResources(Resources.newBuilder().setCores(1));
  }

  static Mount mount(String cacheName, String sandboxName) {
    return Mount.newBuilder().setCacheName(cacheName).setSandboxName(sandboxName).build();
  }

  static OutputSpec output(String sandboxName, String cacheName, CacheLevel level) {
    return OutputSpec.newBuilder().setSandboxName(sandboxName).setCacheName(cacheName).setLevel(level).build();
  }

  static OutputSpec output(String sandboxName, String cacheName) {
    return output(sandboxName, cacheName, CacheLevel.CACHE_LEVEL_WORKFLOW);
  }

  static FetchFile fromAddress(String cacheName, String transferId, String address, long size) {
    return FetchFile.newBuilder().setCacheName(cacheName).setTransferId(transferId)
        .setLevel(CacheLevel.CACHE_LEVEL_WORKFLOW).setSize(size).setTransferAddress(address).build();
  }

  static FetchFile fromUrl(String cacheName, String transferId, String url) {
    return FetchFile.newBuilder().setCacheName(cacheName).setTransferId(transferId)
        .setLevel(CacheLevel.CACHE_LEVEL_WORKFLOW).setUrl(url).build();
  }

  static FetchFile fromMiniTask(String cacheName, String transferId, String command, String outputName,
      Mount... inputs) {
    MiniTask.Builder m = MiniTask.newBuilder().setCommand(command).setOutputName(outputName);
    for (Mount in : inputs) {
      m.addInputs(in);
    }
    return FetchFile.newBuilder().setCacheName(cacheName).setTransferId(transferId)
        .setLevel(CacheLevel.CACHE_LEVEL_WORKFLOW).setMiniTask(m).build();
  }

  static FetchFile fromUntar(String cacheName, String transferId, String archive) {
    return FetchFile.newBuilder().setCacheName(cacheName).setTransferId(transferId)
        .setLevel(CacheLevel.CACHE_LEVEL_WORKFLOW)
        .setUntar(Untar.newBuilder().setArchiveCacheName(archive)).build();
  }
}

// Uses ctct-mylibrary/fit and uploadFile's fit option; must compile under `tsc --strict` with the
// ES2022 lib and Node's types only (no DOM lib).
import { fitImage, type FitOptions, type FitReport, type FitErrorCode } from "ctct-mylibrary/fit";
import { MyLibraryClient, MyLibraryError, type ErrorCode, type UploadResult, type FitSummary, type FitFunction } from "ctct-mylibrary";

export async function fitAndUpload(client: MyLibraryClient, file: Blob, bytes: Uint8Array): Promise<string> {
  const options: FitOptions = { maxBytes: 5_000_000, maxDimension: 2048, quality: 80 };
  const { blob, report } = await fitImage(file, options);
  const r: FitReport = report;
  const peak: number = r.peakMemoryBytes;
  const quality: number | null = r.quality;
  const format: "jpeg" | "png" | "gif" = r.format;
  void [peak, quality, format, blob.size];
  await fitImage(bytes, { maxBytes: 1000 });
  await fitImage(bytes.buffer as ArrayBuffer, { maxBytes: 1000 });
  // fitImage is the option's function, alone or with settings.
  const f: FitFunction = fitImage;
  const plain: UploadResult = await client.uploadFile({ data: file, fileName: "a.jpg" }, { fit: f });
  const sized = await client.uploadFile({ data: file, fileName: "a.jpg" }, { fit: { with: fitImage, maxDimension: 2048, quality: 80 }, signal: null });
  const summary: FitSummary | undefined = sized.fit;
  const none = await client.uploadFile({ data: file, fileName: "a.jpg" }, { fit: null });
  void none;
  try {
    await fitImage(file, options);
  } catch (e) {
    if (e instanceof MyLibraryError) {
      const code: ErrorCode = e.code;
      const fitCode: FitErrorCode = "IMAGE_ANIMATED";
      const asCore: ErrorCode = fitCode;
      void [code, asCore];
    }
  }
  return `${plain.fileId} ${summary?.width ?? 0}`;
}

namespace Berth.Server.EcrPublicApi;

/// <summary>The image formats a repository logo may have (the gallery shows PNG and JPEG), told by their signatures.</summary>
internal static class LogoImage
{
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF];

    /// <summary>image/png or image/jpeg, or null for anything else.</summary>
    public static string? ContentTypeOf(ReadOnlySpan<byte> image) =>
        image.StartsWith(Png) ? "image/png" : image.StartsWith(Jpeg) ? "image/jpeg" : null;
}

namespace Berth.Core.Layers;

/// <summary>The outcome of checking a layer download URL.</summary>
public enum LayerDownloadCheck
{
    Valid,
    Invalid,
    Expired,
}

using System.Buffers.Text;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CooperationLedger.Benchmarks;

/// <summary>
/// One keep-alive HTTP/1.1 connection that sends requests encoded once beforehand and reads each answer's status and
/// body, the way a load generator such as wrk does. The benchmark shares two cores with the service and PostgreSQL,
/// and HttpClient spent about 0.1 ms of CPU per request there (docs/benchmarks.md, session 10): time the service
/// under test did not get. Handles the answers Kestrel gives: a Content-Length body or a chunked one.
/// </summary>
internal sealed class KeepAliveConnection : IDisposable
{
    private static readonly byte[] HeaderEnd = "\r\n\r\n"u8.ToArray();
    private static readonly byte[] LineEnd = "\r\n"u8.ToArray();

    private readonly Socket socket;
    private byte[] buffer = new byte[16 * 1024];
    private int start;
    private int end;

    private KeepAliveConnection(Socket socket) => this.socket = socket;

    public static async Task<KeepAliveConnection> OpenAsync(Uri baseAddress)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Parse(baseAddress.Host), baseAddress.Port));
        return new KeepAliveConnection(socket);
    }

    /// <summary>A request with a JSON body, encoded once and sent as often as the benchmark likes.</summary>
    public static byte[] EncodePost(Uri baseAddress, string path, string json, params (string Name, string Value)[] headers)
    {
        var body = Encoding.UTF8.GetBytes(json);
        var head = new StringBuilder()
            .Append(FormattableString.Invariant($"POST {path} HTTP/1.1\r\nHost: {baseAddress.Authority}\r\n"))
            .Append("Content-Type: application/json\r\n")
            .Append(FormattableString.Invariant($"Content-Length: {body.Length}\r\n"));
        foreach (var (name, value) in headers)
        {
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        return [.. Encoding.ASCII.GetBytes(head.Append("\r\n").ToString()), .. body];
    }

    /// <summary>Sends the request and reads the whole answer; the body is decoded only for a status the caller did not expect.</summary>
    public async Task<int> SendAsync(byte[] request, int expectedStatus)
    {
        await socket.SendAsync(request, SocketFlags.None);
        var headerLength = await ReadUntilAsync(HeaderEnd);
        var head = buffer.AsSpan(start, headerLength);
        if (!head.StartsWith("HTTP/1.1 "u8) || !Utf8Parser.TryParse(head[9..12], out int status, out _))
        {
            throw new InvalidOperationException($"not an HTTP/1.1 answer: {Encoding.ASCII.GetString(head[..Math.Min(head.Length, 80)])}");
        }

        var contentLength = HeaderValue(head, "content-length:"u8) is { } length && Utf8Parser.TryParse(length, out int parsed, out _) ? parsed : -1;
        var chunked = HeaderValue(head, "transfer-encoding:"u8) is { } encoding && encoding.SequenceEqual("chunked"u8);
        start += headerLength + HeaderEnd.Length;

        var body = new MemoryStream();
        if (chunked)
        {
            while (true)
            {
                var sizeLength = await ReadUntilAsync(LineEnd);
                if (!Utf8Parser.TryParse(buffer.AsSpan(start, sizeLength), out int size, out _, 'x'))
                {
                    throw new InvalidOperationException("a chunk without a hexadecimal size");
                }

                start += sizeLength + LineEnd.Length;
                await ReadBodyAsync(size + LineEnd.Length, status == expectedStatus ? null : body);
                if (size == 0)
                {
                    break;
                }
            }
        }
        else if (contentLength > 0)
        {
            await ReadBodyAsync(contentLength, status == expectedStatus ? null : body);
        }

        return status == expectedStatus
            ? status
            : throw new InvalidOperationException($"answered {status}, not {expectedStatus}: {Encoding.UTF8.GetString(body.ToArray())}");
    }

    public void Dispose() => socket.Dispose();

    /// <summary>The value of a header (name given in lower case with its colon), trimmed; null when absent.</summary>
    private static byte[]? HeaderValue(ReadOnlySpan<byte> head, ReadOnlySpan<byte> name)
    {
        foreach (var range in head.Split(LineEnd))
        {
            var line = head[range];
            if (line.Length > name.Length && Ascii.EqualsIgnoreCase(line[..name.Length], name))
            {
                return line[name.Length..].Trim((byte)' ').ToArray();
            }
        }

        return null;
    }

    /// <summary>Receives until <paramref name="marker"/> is buffered; returns how many bytes precede it.</summary>
    private async Task<int> ReadUntilAsync(byte[] marker)
    {
        while (true)
        {
            var found = buffer.AsSpan(start, end - start).IndexOf(marker);
            if (found >= 0)
            {
                return found;
            }

            await ReceiveAsync();
        }
    }

    private async Task ReadBodyAsync(int length, MemoryStream? keep)
    {
        while (end - start < length)
        {
            await ReceiveAsync();
        }

        keep?.Write(buffer, start, length);
        start += length;
    }

    private async Task ReceiveAsync()
    {
        if (start > 0)
        {
            Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
            end -= start;
            start = 0;
        }

        if (end == buffer.Length)
        {
            Array.Resize(ref buffer, buffer.Length * 2);
        }

        var received = await socket.ReceiveAsync(buffer.AsMemory(end), SocketFlags.None);
        end += received > 0 ? received : throw new InvalidOperationException("the server closed the connection");
    }
}

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

    /// <summary>Sends the request and reads the whole answer; the body is kept only when the status is not the one expected.</summary>
    public async Task SendAsync(byte[] request, int expectedStatus)
    {
        await socket.SendAsync(request, SocketFlags.None);
        var headerLength = await ReadUntilAsync(HeaderEnd);
        var (status, contentLength, chunked) = ReadHead(buffer.AsSpan(start, headerLength));
        start += headerLength + HeaderEnd.Length;

        var unexpected = status == expectedStatus ? null : new MemoryStream();
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
                await ReadBodyAsync(size, unexpected);
                await ReadBodyAsync(LineEnd.Length, keep: null);
                if (size == 0)
                {
                    break;
                }
            }
        }
        else if (contentLength > 0)
        {
            await ReadBodyAsync(contentLength, unexpected);
        }

        if (unexpected is not null)
        {
            throw new InvalidOperationException($"answered {status}, not {expectedStatus}: {Encoding.UTF8.GetString(unexpected.ToArray())}");
        }
    }

    public void Dispose() => socket.Dispose();

    /// <summary>The status, and how the body is framed: its length (-1 when not given) or chunks.</summary>
    private static (int Status, int ContentLength, bool Chunked) ReadHead(ReadOnlySpan<byte> head)
    {
        if (!head.StartsWith("HTTP/1.1 "u8) || !Utf8Parser.TryParse(head[9..12], out int status, out _))
        {
            throw new InvalidOperationException($"not an HTTP/1.1 answer: {Encoding.ASCII.GetString(head[..Math.Min(head.Length, 80)])}");
        }

        var contentLength = -1;
        var chunked = false;
        foreach (var range in head.Split(LineEnd))
        {
            var line = head[range];
            if (TryHeaderValue(line, "content-length:"u8, out var length) && Utf8Parser.TryParse(length, out int parsed, out _))
            {
                contentLength = parsed;
            }
            else if (TryHeaderValue(line, "transfer-encoding:"u8, out var encoding))
            {
                chunked = encoding.SequenceEqual("chunked"u8);
            }
        }

        return (status, contentLength, chunked);
    }

    /// <summary>The value, trimmed, when <paramref name="line"/> is the header <paramref name="name"/> (lower case, with its colon).</summary>
    private static bool TryHeaderValue(ReadOnlySpan<byte> line, ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
    {
        var matches = line.Length > name.Length && Ascii.EqualsIgnoreCase(line[..name.Length], name);
        value = matches ? line[name.Length..].Trim((byte)' ') : default;
        return matches;
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
